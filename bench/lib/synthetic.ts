/**
 * Synthetic corpora for scale benchmarks, built from the real seed rather than uniform noise (which
 * behaves unlike real embeddings: no clusters, no hubs). Each synthetic paper starts from a real seed
 * paper: its sentences, with one swapped for a sentence of another paper and one word in each
 * replaced; every sentence vector is the real one plus small uniform noise (cosine ≈ 0.9 to the
 * original), renormalized; the paper vector blends its base paper's real vector with real sentence
 * vectors of two other papers, in random shares, plus a little noise (cosine ≈ 0.97), renormalized.
 * Titles, dates and upvotes are random. Vectors go straight into the embedding cache, so the normal
 * build path indexes the corpus without running the model.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadEngineConfig, type EngineConfig } from '../../src/config.js';
import { cacheDirFor, modelFingerprint } from '../../src/engine/build-from-sources.js';
import { Engine } from '../../src/engine/engine.js';
import { EmbeddingCache, sentenceKey, textHash } from '../../src/index/embedding-cache.js';
import { createLogger } from '../../src/log.js';
import { paperPassage, type Paper } from '../../src/papers/paper.js';
import { loadSources } from '../../src/papers/sources.js';
import { normalizeInPlace } from '../../src/embedding/pooling.js';
import { splitSentences } from '../../src/text/sentences.js';
import { prng } from '../harness/random.js';

export interface SeedPaper {
  title: string;
  abstract: string;
  vector: Float32Array;
  sentences: { text: string; vector: Float32Array }[];
}

export function benchConfig(root: string, dataDir: string, sources: string, env: Record<string, string> = {}): EngineConfig {
  return loadEngineConfig({
    ...process.env,
    PAPERSCOUT_DATA_DIR: dataDir,
    PAPERSCOUT_SOURCES: sources,
    PAPERSCOUT_MODELS_DIR: join(root, 'data', 'models'),
    PAPERSCOUT_ALLOW_EXTERNAL_PATHS: 'true',
    MODEL_OFFLINE: 'true',
    LOG_LEVEL: 'warn',
    ...env,
  });
}

/** The seed's real paper and sentence vectors, embedded once with the real model and cached. */
export async function loadSeed(root: string, workDir: string): Promise<SeedPaper[]> {
  const dataDir = join(workDir, 'seed');
  const config = benchConfig(root, dataDir, join(root, 'seeds'));
  const engine = await Engine.open(config, { log: createLogger({ level: 'warn' }) });
  const fingerprint = modelFingerprint(config, engine.embedder.dimension);
  await engine.close();
  const cache = EmbeddingCache.open(cacheDirFor(dataDir, fingerprint), fingerprint.dimension);
  try {
    return (await loadSources([join(root, 'seeds')])).papers.map((paper) => {
      const contentHash = textHash(paperPassage(paper));
      return {
        title: paper.title,
        abstract: paper.abstract,
        vector: cache.get(contentHash)!,
        sentences: splitSentences(paper.abstract).map((span) => ({ text: paper.abstract.slice(span.start, span.end), vector: cache.get(sentenceKey(contentHash, span))! })),
      };
    });
  } finally {
    cache.close();
  }
}

/** Sentence vectors sit at cosine ≈ 0.9 from the real sentence they copy; paper vectors closer, at ≈ 0.97. */
const SENTENCE_COS = 0.9;
const PAPER_COS = 0.97;

function noisy(base: Float32Array, random: () => number, cos = SENTENCE_COS): Float32Array {
  // Uniform noise with the variance that puts the perturbed vector at cosine ≈ cos from the base.
  const sigma = Math.sqrt((1 / cos ** 2 - 1) / base.length);
  const amplitude = sigma * Math.sqrt(3);
  const out = new Float32Array(base.length);
  for (let i = 0; i < base.length; i++) out[i] = base[i]! + amplitude * (2 * random() - 1);
  return normalizeInPlace(out);
}

/** The normalized weighted sum of real vectors: a point on the surface real embeddings span. */
function blend(vectors: readonly Float32Array[], weights: readonly number[]): Float32Array {
  const out = new Float32Array(vectors[0]!.length);
  vectors.forEach((v, k) => {
    for (let i = 0; i < out.length; i++) out[i]! += weights[k]! * v[i]!;
  });
  return normalizeInPlace(out);
}

function swapWord(text: string, vocabulary: readonly string[], random: () => number): string {
  const words = text.split(' ');
  const candidates = words.map((w, i) => (/^[a-z]{4,}$/i.test(w) ? i : -1)).filter((i) => i >= 0);
  if (candidates.length) words[candidates[Math.floor(random() * candidates.length)]!] = vocabulary[Math.floor(random() * vocabulary.length)]!;
  return words.join(' ');
}

export interface SyntheticPaper {
  paper: Paper;
  vectors: Map<string, Float32Array>;
}

/** One synthetic paper and the vectors of its passage and sentences, by their cache keys. */
export function syntheticPaper(i: number, seed: readonly SeedPaper[], vocabulary: readonly string[], random: () => number): SyntheticPaper {
  const base = seed[Math.floor(random() * seed.length)]!;
  const other = seed[Math.floor(random() * seed.length)]!;
  const parts = base.sentences.map((s) => ({ text: swapWord(s.text, vocabulary, random), vector: noisy(s.vector, random) }));
  if (parts.length > 2 && other.sentences.length) {
    const borrowed = other.sentences[Math.floor(random() * other.sentences.length)]!;
    parts[1 + Math.floor(random() * (parts.length - 1))] = { text: borrowed.text, vector: noisy(borrowed.vector, random) };
  }
  const abstract = parts.map((p) => p.text).join(' ');
  const title = `${swapWord(swapWord(base.title, vocabulary, random), vocabulary, random)} (v${i})`;
  const day = 1 + (i % 28);
  const paper: Paper = {
    id: `syn-${i}`,
    title,
    abstract,
    source: 'synthetic',
    upvotes: Math.floor(random() * 300),
    listings: [{ date: `2025-02-${String(day).padStart(2, '0')}`, rank: 1 + Math.floor(i / 28) }],
  };
  // Mostly its base paper, partly a real sentence of each of two other papers, in random shares, and a
  // little noise. Isotropic noise alone would put a base's ~n/64 copies on a 384-dimensional shell
  // where every neighbour is a near-tie, which real corpora are not.
  const third = seed[Math.floor(random() * seed.length)]!;
  const sentenceOf = (p: SeedPaper) => (p.sentences.length ? p.sentences[Math.floor(random() * p.sentences.length)]!.vector : p.vector);
  const paperVector = blend([base.vector, sentenceOf(other), sentenceOf(third)], [0.3 + 0.4 * random(), 0.2 + 0.4 * random(), 0.2 + 0.4 * random()]);
  const contentHash = textHash(paperPassage(paper));
  const vectors = new Map<string, Float32Array>([[contentHash, noisy(paperVector, random, PAPER_COS)]]);
  // The builder splits the abstract itself; each of its sentences gets the mean vector of the parts it spans.
  let offset = 0;
  const starts = parts.map((p) => {
    const start = offset;
    offset += p.text.length + 1;
    return start;
  });
  for (const span of splitSentences(abstract)) {
    const covered = parts.filter((_, k) => starts[k]! < span.end && starts[k]! + parts[k]!.text.length > span.start);
    const sum = new Float32Array(base.vector.length);
    for (const part of covered) for (let d = 0; d < sum.length; d++) sum[d]! += part.vector[d]!;
    vectors.set(sentenceKey(contentHash, span), normalizeInPlace(sum));
  }
  return { paper, vectors };
}

const PAPERS_PER_FILE = 100_000;

/**
 * Writes a synthetic corpus of `size` papers (sources as JSONL files under `<dir>/sources`, vectors
 * into the embedding cache of `<dir>/data`), unless it is already there. Returns the engine config.
 * Each file of 100,000 papers has a seed of its own (the first one the corpus's, as it always had),
 * and is marked done once written with its vectors, so a run cut short resumes where it stopped.
 */
export async function writeCorpus(root: string, dir: string, size: number, seed: readonly SeedPaper[], log: (line: string) => void): Promise<EngineConfig> {
  const sources = join(dir, 'sources');
  const config = benchConfig(root, join(dir, 'data'), sources);
  const dimension = seed[0]!.vector.length;
  const fingerprint = modelFingerprint(config, dimension);
  const cacheDir = cacheDirFor(config.dataDir, fingerprint);
  // One marker per model fingerprint: a corpus written for another one has its vectors in another cache.
  const done = join(dir, `corpus-${basename(cacheDir)}.done`);
  if (existsSync(done)) return config;
  mkdirSync(sources, { recursive: true });
  const cache = EmbeddingCache.open(cacheDir, dimension);
  const vocabulary = [...new Set(seed.flatMap((p) => p.abstract.split(/\s+/)).filter((w) => /^[a-z]{4,}$/.test(w)))];
  try {
    for (let start = 0; start < size; start += PAPERS_PER_FILE) {
      const chunk = start / PAPERS_PER_FILE;
      const name = `synthetic-${String(chunk).padStart(3, '0')}.jsonl`;
      const written = join(sources, `${name}.done`);
      if (existsSync(written)) continue;
      const random = prng(chunk ? size * 1000 + chunk : size);
      const lines: string[] = [];
      const vectors = new Map<string, Float32Array>();
      for (let i = start; i < Math.min(size, start + PAPERS_PER_FILE); i++) {
        const synthetic = syntheticPaper(i, seed, vocabulary, random);
        lines.push(JSON.stringify(synthetic.paper));
        for (const [hash, vector] of synthetic.vectors) vectors.set(hash, vector);
      }
      await cache.add(vectors);
      writeFileSync(join(sources, name), `${lines.join('\n')}\n`);
      writeFileSync(written, new Date().toISOString());
      log(`  synthetic corpus ${size}: ${Math.min(size, start + PAPERS_PER_FILE)} papers written`);
    }
  } finally {
    cache.close();
  }
  writeFileSync(done, new Date().toISOString());
  return config;
}
