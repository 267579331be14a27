import { z } from 'zod';

// 4: the lexical index splits compounds at letter–digit boundaries ("CIFAR10" → cifar, 10), so older ones rebuild.
export const FORMAT_VERSION = 4;

const fileEntry = z.object({ name: z.string().regex(/^[\w.-]+$/), bytes: z.number().int().nonnegative(), sha256: z.string().length(64) });

export const modelFingerprintSchema = z.object({
  id: z.string(),
  dimension: z.number().int().positive(),
  dtype: z.string(),
  pooling: z.string(),
  maxTokens: z.number().int(),
  passagePrefix: z.string(),
  /** How sentence vectors were made (SENTENCE_VECTORS); absent in indexes from before late chunking. */
  sentenceVectors: z.string().optional(),
});

/** Everything needed to trust, or refuse, what lies in one index generation. */
export const manifestSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  generation: z.string().regex(/^gen-[\w-]+$/),
  createdAt: z.string(),
  model: modelFingerprintSchema,
  hnsw: z.object({ m: z.number().int(), efConstruction: z.number().int() }),
  /** Live papers; labels of removed papers are null until the next full rebuild. */
  count: z.number().int().nonnegative(),
  labels: z.array(z.string().nullable()),
  /** Digest of the paper records the generation was built from. */
  corpusDigest: z.string().length(64),
  /** Names, sizes and times of the source files it was built from (see sourcesStamp). */
  sourcesStamp: z.string().optional(),
  /** What could not be read from those files, reported again whenever they are found unchanged. */
  sourceProblems: z.array(z.object({ source: z.string(), location: z.string(), message: z.string() })).optional(),
  /** How many problems there were in all; sourceProblems holds the first of them. */
  sourceProblemCount: z.number().int().nonnegative().optional(),
  files: z.object({ index: fileEntry, papers: fileEntry, sentences: fileEntry, lexical: fileEntry, catalog: fileEntry }),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ModelFingerprint = z.infer<typeof modelFingerprintSchema>;
export type FileEntry = z.infer<typeof fileEntry>;

/** Why a fingerprint does not match the configured model, or undefined when it does. */
export function fingerprintMismatch(built: ModelFingerprint, wanted: ModelFingerprint): string | undefined {
  const changed = (Object.keys(wanted) as (keyof ModelFingerprint)[]).filter((key) => built[key] !== wanted[key]);
  if (!changed.length) return undefined;
  return changed.map((key) => `${key} ${JSON.stringify(built[key])} → ${JSON.stringify(wanted[key])}`).join(', ');
}
