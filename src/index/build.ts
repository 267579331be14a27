import { closeSync, copyFileSync, linkSync, openSync, writeFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import hnswlib, { type HierarchicalNSW } from 'hnswlib-node';
import type { Embedder, PassageWithSentences } from '../embedding/embedder.js';
import { diskFullOr } from '../errors.js';
import type { BuildProgress } from '../format/progress.js';
import { paperPassage, type Paper } from '../papers/paper.js';
import type { SourceProblem } from '../papers/problems.js';
import { Bm25Index } from '../search/bm25.js';
import { cooperative, runCooperatively } from '../util/cooperative.js';
import { planSteps, type BuildPlan, type PlanCounts, type PreparedPaper } from './build-plan.js';
import { Catalog } from './catalog.js';
import { sentenceKey, type EmbeddingCache } from './embedding-cache.js';
import { commitGeneration, FILES, newGenerationDir, openSnapshot } from './generation.js';
import type { IndexedPaper } from './indexed-paper.js';
import type { ModelFingerprint } from './manifest.js';
import { SentenceStoreWriter } from './sentence-store.js';
import type { IndexSnapshot } from './snapshot.js';
import { pickTldrSentence } from './tldr.js';

/** What a build did. */
export interface BuildReport extends PlanCounts {
  /** Papers whose text had to be embedded; every other vector came from the cache. */
  embedded: number;
  /** Vectors made in all: those papers' passage vectors plus their sentence vectors. */
  embeddedTexts: number;
  count: number;
  fullRebuild: boolean;
  /** True when the sources matched the live index exactly and nothing was written. */
  unchanged: boolean;
  tookMs: number;
}

export interface BuildOptions {
  papers: readonly Paper[];
  previous?: IndexSnapshot;
  embedder: Embedder;
  cache: EmbeddingCache;
  indexDir: string;
  model: ModelFingerprint;
  hnsw: { m: number; efConstruction: number; efSearch: number };
  /** Rebuild the graph from scratch even when an incremental update would do. */
  force?: boolean;
  /** Recorded in the manifest, so an unchanged set of source files can be recognized without reading it. */
  sourcesStamp?: string;
  sourceProblems?: SourceProblem[];
  sourceProblemCount?: number;
  onProgress?: (progress: BuildProgress) => void;
}

type ChangePlan = Extract<BuildPlan, { unchanged: false }>;
type Tick = () => Promise<void> | undefined;

// New vectors are saved to the cache in chunks, so an interrupted build keeps most of its work.
const CACHE_FLUSH_EVERY = 512;

export function unchangedReport(snapshot: IndexSnapshot, tookMs: number): BuildReport {
  return {
    ...{ added: 0, updated: 0, removed: 0, refreshed: 0, embedded: 0, embeddedTexts: 0 },
    ...{ count: snapshot.count, fullRebuild: false, unchanged: true, tookMs },
  };
}

/** A paper's passage with its sentences as offsets into it (the abstract ends the passage). */
function passageWithSentences({ paper, spans }: PreparedPaper): PassageWithSentences {
  const text = paperPassage(paper);
  const offset = text.length - paper.abstract.length;
  return { text, sentences: spans.map((s) => ({ start: s.start + offset, end: s.end + offset })) };
}

/**
 * Embeds the papers whose vectors the cache lacks (passage and sentences, from one pass over each
 * passage) and saves them to it in chunks, so an interrupted build keeps most of its work. Vectors
 * are then read from the cache as needed, never all held in memory at once.
 */
async function embedMissing(
  passages: ReadonlyMap<string, PreparedPaper>,
  { cache, embedder, onProgress }: Pick<BuildOptions, 'cache' | 'embedder' | 'onProgress'>,
  tick: Tick,
): Promise<{ papers: Set<string>; vectors: number }> {
  const missing: PreparedPaper[] = [];
  for (const prepared of passages.values()) {
    const { contentHash, spans } = prepared;
    if (!cache.has(contentHash) || spans.some((span) => !cache.has(sentenceKey(contentHash, span)))) missing.push(prepared);
    await tick();
  }
  let vectors = 0;
  for (let start = 0; start < missing.length; start += CACHE_FLUSH_EVERY) {
    const chunk = missing.slice(start, start + CACHE_FLUSH_EVERY);
    const embedded = await embedder.embedWithSentences(
      chunk.map(passageWithSentences),
      (done) => onProgress?.({ phase: 'embedding', done: start + done, total: missing.length }),
    );
    const entries = new Map<string, Float32Array>();
    chunk.forEach(({ contentHash, spans }, i) => {
      entries.set(contentHash, embedded[i]!.passage);
      spans.forEach((span, j) => entries.set(sentenceKey(contentHash, span), embedded[i]!.sentences[j]!));
    });
    vectors += entries.size;
    await cache.add(entries);
  }
  return { papers: new Set(missing.map((p) => p.contentHash)), vectors };
}

/** Writes the generation's graph file: the previous one as it is, updated in place, or built anew. */
async function writeGraph(plan: ChangePlan, dir: string, vector: (hash: string) => Float32Array, options: BuildOptions, tick: Tick): Promise<HierarchicalNSW> {
  const { previous, model, hnsw: params, onProgress } = options;
  const { labels, fresh } = plan;
  const path = join(dir, FILES.index);
  if (!plan.graphChanged) {
    try {
      linkSync(join(previous!.dir, FILES.index), path);
    } catch {
      copyFileSync(join(previous!.dir, FILES.index), path);
    }
    return previous!.hnsw;
  }
  const graph = new hnswlib.HierarchicalNSW('cosine', model.dimension);
  if (plan.incremental) {
    await graph.readIndex(join(previous!.dir, FILES.index));
    graph.resizeIndex(Math.max(labels.length, 1));
    for (const label of plan.deleted) graph.markDelete(label);
  } else {
    graph.initIndex({ maxElements: Math.max(labels.length, 1), m: params.m, efConstruction: params.efConstruction, randomSeed: 100 });
  }
  for (const [i, label] of fresh.entries()) {
    const planned = labels[label]!;
    if (planned.kind !== 'fresh') throw new Error(`label ${label} is planned fresh but holds ${planned.kind}`);
    graph.addPoint(Array.from(vector(planned.paper.contentHash)), label);
    if (i % 1000 === 999) onProgress?.({ phase: 'indexing', done: i + 1, total: fresh.length });
    await tick();
  }
  await graph.writeIndex(path);
  return graph;
}

/** Writes sentences.bin and returns the generation's paper records by label (null for a dead one). */
async function writeSentences(plan: ChangePlan, dir: string, vector: (hash: string) => Float32Array, options: BuildOptions, tick: Tick): Promise<(IndexedPaper | null)[]> {
  const spans = plan.labels.map((l) => (l.kind === 'dead' ? [] : l.paper.spans));
  const writer = new SentenceStoreWriter(join(dir, FILES.sentences), options.model.dimension, spans);
  const records: (IndexedPaper | null)[] = [];
  for (const [label, planned] of plan.labels.entries()) {
    await tick();
    if (planned.kind === 'dead') {
      records.push(null);
    } else if (planned.kind === 'kept') {
      writer.copy(label, options.previous!.sentences.get(label));
      records.push({ ...planned.paper.paper, contentHash: planned.paper.contentHash, tldrSentence: planned.tldrSentence });
    } else {
      const { paper, contentHash, sentences, spans } = planned.paper;
      const sentenceVectors = spans.map((span) => vector(sentenceKey(contentHash, span)));
      writer.write(label, sentenceVectors);
      records.push({ ...paper, contentHash, tldrSentence: pickTldrSentence(sentences, sentenceVectors, vector(contentHash)) });
    }
  }
  await writer.finish();
  return records;
}

/**
 * One JSON line per label, written in pieces (a million papers would not fit in one string).
 * Returns each line's byte offset, and the file length last, so records can be read one by one.
 */
function* paperLineSteps(path: string, records: readonly (IndexedPaper | null)[]): Generator<void, number[]> {
  const offsets = [0];
  const fd = openSync(path, 'w');
  try {
    for (let start = 0; start < records.length; start += 1000) {
      const lines = records.slice(start, start + 1000).map((r) => `${JSON.stringify(r)}\n`);
      for (const line of lines) offsets.push(offsets.at(-1)! + Buffer.byteLength(line));
      writeFileSync(fd, lines.join('')); // continues a short write, as writeSync does not
      yield;
    }
  } finally {
    closeSync(fd);
  }
  return offsets;
}

/** Writes every file of a generation into its folder; the manifest switch is the caller's. */
async function writeGeneration(plan: ChangePlan, dir: string, vector: (hash: string) => Float32Array, options: BuildOptions, tick: Tick) {
  const { labels } = plan;
  const graph = await writeGraph(plan, dir, vector, options, tick);
  options.onProgress?.({ phase: 'saving', done: 0, total: labels.length });
  const records = await writeSentences(plan, dir, vector, options, tick);
  const offsets = await runCooperatively(paperLineSteps(join(dir, FILES.papers), records), tick);
  const sourceRecords = labels.map((l) => (l.kind === 'dead' ? null : l.paper.paper));
  const catalog = Catalog.fromRecords(records, sourceRecords, offsets);
  await writeFile(join(dir, FILES.catalog), catalog.serialize());
  options.onProgress?.({ phase: 'saving', done: labels.length, total: labels.length });
  const bm25 = await runCooperatively(Bm25Index.buildSteps(records.map((r) => r ?? undefined)), tick);
  await writeFile(join(dir, FILES.lexical), bm25.serialize());
  return { graph, records, catalog, bm25 };
}

/**
 * Builds the next index generation from papers: plans it (see build-plan.ts), embeds only what the
 * cache lacks, writes every file, then switches the manifest. The previous snapshot stays untouched
 * and can serve queries until the caller swaps.
 */
export async function buildIndex(options: BuildOptions): Promise<{ snapshot: IndexSnapshot; report: BuildReport }> {
  const started = performance.now();
  const { papers, previous, indexDir, onProgress } = options;
  // Every long loop yields now and then: the bot keeps answering while a large index is rebuilt.
  const tick = cooperative();
  const plan = await runCooperatively(planSteps({ papers, previous, force: options.force, hnsw: options.hnsw }), tick);
  if (plan.unchanged) return { snapshot: previous!, report: unchangedReport(previous!, performance.now() - started) };

  const embedded = await embedMissing(plan.passages, options, tick);
  const vector = (hash: string) => {
    const found = options.cache.get(hash);
    if (!found) throw new Error(`embedding ${hash} vanished from the cache during the build`);
    return found;
  };

  const { labels, fresh } = plan;
  onProgress?.({ phase: 'indexing', done: 0, total: fresh.length });
  const { generation, dir } = newGenerationDir(indexDir);
  const { graph, records, catalog, bm25 } = await writeGeneration(plan, dir, vector, options, tick).catch(async (error: unknown) => {
    // Never made live, so of no use: its space is given back at once (a full disk needs it).
    await rm(dir, { recursive: true, force: true });
    throw diskFullOr(error, dir);
  });
  const manifest = await commitGeneration(indexDir, generation, {
    model: options.model,
    hnsw: plan.hnsw,
    count: records.filter(Boolean).length,
    labels: records.map((r) => r?.id ?? null),
    corpusDigest: plan.digest,
    sourcesStamp: options.sourcesStamp,
    sourceProblems: options.sourceProblems?.slice(0, 100),
    sourceProblemCount: options.sourceProblemCount,
  });
  const snapshot = await openSnapshot(indexDir, manifest, options.hnsw.efSearch, { hnsw: graph, catalog, bm25 });
  return {
    snapshot,
    report: {
      ...plan.counts,
      embedded: fresh.filter((label) => {
        const planned = labels[label]!;
        return planned.kind === 'fresh' && embedded.papers.has(planned.paper.contentHash);
      }).length,
      embeddedTexts: embedded.vectors,
      count: snapshot.count,
      fullRebuild: !plan.incremental,
      unchanged: false,
      tookMs: performance.now() - started,
    },
  };
}
