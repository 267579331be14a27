import { createHash } from 'node:crypto';
import { z } from 'zod';

// 4: the lexical index splits compounds at letter–digit boundaries ("CIFAR10" → cifar, 10), so older ones rebuild.
// 5: append-only segments for papers, sentence vectors and BM25 postings; a binary catalog; fast checks on open.
// 6: the HNSW graph in segments too: a reload adds a graph of what it adds instead of rewriting the whole one.
export const FORMAT_VERSION = 6;

const fileEntry = z.object({
  name: z.string().regex(/^[\w.-]+$/),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().length(64),
  edges: z.string().length(32),
});

/** A segment of sentence vectors or BM25 postings covers a range of labels. */
const rangedEntry = fileEntry.extend({ firstLabel: z.number().int().nonnegative(), labels: z.number().int().nonnegative() });

/** A graph segment holds the vectors of the labels of its range that were live when it was written, in label order. */
const graphEntry = rangedEntry.extend({ vectors: z.number().int().nonnegative() });

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
  /** Live papers. */
  count: z.number().int().nonnegative(),
  /** Labels in all, live or dead: removed papers keep their label until the next full rebuild. The catalog holds their ids. */
  labels: z.number().int().nonnegative(),
  /** Digest of the paper records the generation was built from. */
  corpusDigest: z.string().length(64),
  /** Names, sizes and times of the source files it was built from (see sourcesStamp). */
  sourcesStamp: z.string().optional(),
  /** What could not be read from those files, reported again whenever they are found unchanged. */
  sourceProblems: z.array(z.object({ source: z.string(), location: z.string(), message: z.string() })).optional(),
  /** How many problems there were in all; sourceProblems holds the first of them. */
  sourceProblemCount: z.number().int().nonnegative().optional(),
  /** Files written whole for each generation. */
  files: z.object({ catalog: fileEntry }),
  /** Append-only segments, oldest first: a generation links those of the previous one it keeps and adds its own. */
  segments: z.object({ papers: z.array(fileEntry), sentences: z.array(rangedEntry), lexical: z.array(rangedEntry), graphs: z.array(graphEntry) }),
  /** SHA-256 of the manifest without this field (see manifestChecksum): a torn or edited manifest is refused. */
  checksum: z.string().length(64),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ModelFingerprint = z.infer<typeof modelFingerprintSchema>;
export type FileEntry = z.infer<typeof fileEntry>;
export type RangedEntry = z.infer<typeof rangedEntry>;
export type GraphEntry = z.infer<typeof graphEntry>;
export type SegmentKind = keyof Manifest['segments'];

/** The checksum a manifest carries: of its JSON with every other field, in the order written. */
export function manifestChecksum(manifest: Omit<Manifest, 'checksum'>): string {
  const { checksum: _, ...rest } = manifest as Manifest;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

/** Every file a generation is made of. */
export function generationFiles(manifest: Pick<Manifest, 'files' | 'segments'>): FileEntry[] {
  const { segments } = manifest;
  return [...Object.values(manifest.files), ...segments.papers, ...segments.sentences, ...segments.lexical, ...segments.graphs];
}

/** Why a fingerprint does not match the configured model, or undefined when it does. */
export function fingerprintMismatch(built: ModelFingerprint, wanted: ModelFingerprint): string | undefined {
  const changed = (Object.keys(wanted) as (keyof ModelFingerprint)[]).filter((key) => built[key] !== wanted[key]);
  if (!changed.length) return undefined;
  return changed.map((key) => `${key} ${JSON.stringify(built[key])} → ${JSON.stringify(wanted[key])}`).join(', ');
}
