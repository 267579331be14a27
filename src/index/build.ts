import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, linkSync, openSync, writeSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import hnswlib, { type HierarchicalNSW } from 'hnswlib-node';
import type { Embedder } from '../embedding/embedder.js';
import { pickTldrSentence } from '../engine/tldr.js';
import { paperPassage, type Paper } from '../papers/paper.js';
import type { SourceProblem } from '../papers/problems.js';
import { Bm25Index } from '../search/bm25.js';
import { splitSentences, type Span } from '../text/sentences.js';
import { Catalog, recordHash } from './catalog.js';
import { EmbeddingCache, textHash } from './embedding-cache.js';
import { cooperative, runCooperatively, runToEnd } from '../util/cooperative.js';
import { commitGeneration, FILES, newGenerationDir } from './generation.js';
import type { ModelFingerprint } from './manifest.js';
import { PaperStore } from './paper-store.js';
import { SentenceStore, SentenceStoreWriter } from './sentence-store.js';
import { IndexSnapshot, type IndexedPaper } from './snapshot.js';

export type BuildPhase = 'embedding' | 'indexing' | 'saving';

export interface BuildProgress {
  phase: BuildPhase;
  done: number;
  total: number;
}

export interface BuildSummary {
  added: number;
  updated: number;
  removed: number;
  /** Papers whose text is unchanged but whose details (upvotes, listings…) changed. */
  refreshed: number;
  /** Papers whose text had to be embedded; every other vector came from the cache. */
  embedded: number;
  /** Texts embedded in all: those papers' passages plus their sentences. */
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
  onProgress?: (progress: BuildProgress) => void;
}

// Deleted labels still cost memory and search time; past this share the graph is rebuilt.
const MAX_DELETED_SHARE = 0.2;
// New vectors are saved to the cache in chunks, so an interrupted build keeps most of its work.
const CACHE_FLUSH_EVERY = 512;

export function unchangedSummary(snapshot: IndexSnapshot, tookMs: number): BuildSummary {
  return {
    ...{ added: 0, updated: 0, removed: 0, refreshed: 0, embedded: 0, embeddedTexts: 0 },
    ...{ count: snapshot.count, fullRebuild: false, unchanged: true, tookMs },
  };
}

export function* corpusDigestSteps(papers: readonly Paper[]): Generator<void, string> {
  const hash = createHash('sha256');
  for (const paper of papers) {
    hash.update(JSON.stringify(paper)).update('\n');
    yield;
  }
  return hash.digest('hex');
}

export function corpusDigest(papers: readonly Paper[]): string {
  return runToEnd(corpusDigestSteps(papers));
}

interface Prepared {
  paper: Paper;
  contentHash: string;
  spans: Span[];
  sentences: string[];
}

function prepare(paper: Paper): Prepared {
  const spans = splitSentences(paper.abstract);
  return {
    paper,
    contentHash: textHash(paperPassage(paper)),
    spans,
    sentences: spans.map((s) => paper.abstract.slice(s.start, s.end)),
  };
}

/**
 * Embeds the texts the cache lacks and saves them to it in chunks, so an interrupted build keeps most
 * of its work. Vectors are then read from the cache as needed, never all held in memory at once.
 */
async function embedMissing(
  texts: ReadonlyMap<string, string>,
  { cache, embedder, onProgress }: Pick<BuildOptions, 'cache' | 'embedder' | 'onProgress'>,
  tick: () => Promise<void> | undefined,
): Promise<Set<string>> {
  const missing: [string, string][] = [];
  for (const entry of texts) {
    if (!cache.has(entry[0])) missing.push(entry);
    await tick();
  }
  for (let start = 0; start < missing.length; start += CACHE_FLUSH_EVERY) {
    const chunk = missing.slice(start, start + CACHE_FLUSH_EVERY);
    const embedded = await embedder.embedPassages(
      chunk.map(([, text]) => text),
      (done) => onProgress?.({ phase: 'embedding', done: start + done, total: missing.length }),
    );
    await cache.add(new Map(chunk.map(([hash], i) => [hash, embedded[i]!])));
  }
  return new Set(missing.map(([hash]) => hash));
}

interface Plan {
  /** Next generation's papers by label, still without derived fields for new ones. */
  labels: (Prepared | undefined)[];
  /** Labels that are new in this generation and must be embedded and added to the graph. */
  fresh: number[];
  deleted: number[];
  incremental: boolean;
  summary: Pick<BuildSummary, 'added' | 'updated' | 'removed' | 'refreshed'>;
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
      writeSync(fd, lines.join(''));
      yield;
    }
  } finally {
    closeSync(fd);
  }
  return offsets;
}

function* planSteps(prepared: Prepared[], previous: IndexSnapshot | undefined, force: boolean): Generator<void, Plan> {
  const summary = { added: 0, updated: 0, removed: 0, refreshed: 0 };
  const incoming = new Map(prepared.map((p) => [p.paper.id, p]));
  if (previous && !force) {
    const labels: (Prepared | undefined)[] = [];
    const reused = new Set<string>();
    const deleted: number[] = [];
    const { catalog } = previous;
    for (let label = 0; label < catalog.size; label++) {
      yield;
      const id = catalog.id(label);
      const next = id === null ? undefined : incoming.get(id);
      if (id !== null && next && next.contentHash === catalog.contentHash(label)) {
        labels[label] = next;
        reused.add(id);
        if (recordHash(next.paper) !== catalog.recordHash(label)) summary.refreshed++;
      } else {
        labels[label] = undefined;
        if (id !== null) {
          deleted.push(label);
          if (next) summary.updated++;
          else summary.removed++;
        }
      }
    }
    const fresh: number[] = [];
    for (const p of prepared) {
      if (reused.has(p.paper.id)) continue;
      if (!previous.labelById.has(p.paper.id)) summary.added++;
      fresh.push(labels.length);
      labels.push(p);
    }
    const deadLabels = labels.filter((l) => !l).length;
    if (deadLabels / Math.max(1, labels.length) <= MAX_DELETED_SHARE) {
      return { labels, fresh, deleted, incremental: true, summary };
    }
  }
  for (const p of prepared) {
    const old = previous?.labelById.get(p.paper.id);
    if (old === undefined) summary.added++;
    else if (previous!.catalog.contentHash(old) !== p.contentHash) summary.updated++;
  }
  if (previous) summary.removed = [...previous.labelById.keys()].filter((id) => !incoming.has(id)).length;
  return { labels: [...prepared], fresh: prepared.map((_, i) => i), deleted: [], incremental: false, summary };
}

/**
 * Builds the next index generation from papers: embeds only what the cache lacks, updates the
 * previous graph in place of a rebuild when it can, writes every file, then switches the manifest.
 * The previous snapshot stays untouched and can serve queries until the caller swaps.
 */
export async function buildIndex(options: BuildOptions): Promise<{ snapshot: IndexSnapshot; summary: BuildSummary }> {
  const started = performance.now();
  const { papers, previous, model, hnsw: params, indexDir, onProgress } = options;
  // Every long loop yields now and then: the bot keeps answering while a large index is rebuilt.
  const tick = cooperative();
  const digest = await runCooperatively(corpusDigestSteps(papers), tick);
  if (previous && !options.force && previous.manifest.corpusDigest === digest) {
    return { snapshot: previous, summary: unchangedSummary(previous, performance.now() - started) };
  }

  const prepared: Prepared[] = [];
  for (const paper of papers) {
    prepared.push(prepare(paper));
    await tick();
  }
  const { labels, fresh, deleted, incremental, summary } = await runCooperatively(planSteps(prepared, previous, options.force ?? false), tick);

  // Paper vectors are needed for new labels (and all of them on a full rebuild); sentence vectors for
  // new labels only, since unchanged papers' sentence rows are copied from the previous store.
  const texts = new Map<string, string>();
  for (const label of fresh) {
    const p = labels[label]!;
    texts.set(p.contentHash, paperPassage(p.paper));
    p.sentences.forEach((s) => texts.set(textHash(s), s));
  }
  const embedded = await embedMissing(texts, options, tick);
  const vector = (hash: string) => {
    const found = options.cache.get(hash);
    if (!found) throw new Error(`embedding ${hash} vanished from the cache during the build`);
    return found;
  };

  onProgress?.({ phase: 'indexing', done: 0, total: fresh.length });
  const { generation, dir } = newGenerationDir(indexDir);
  const graphChanged = !incremental || fresh.length > 0 || deleted.length > 0;
  let graph: HierarchicalNSW;
  if (!graphChanged) {
    graph = previous!.hnsw;
    try {
      linkSync(join(previous!.dir, FILES.index), join(dir, FILES.index));
    } catch {
      copyFileSync(join(previous!.dir, FILES.index), join(dir, FILES.index));
    }
  } else {
    graph = new hnswlib.HierarchicalNSW('cosine', model.dimension);
    if (incremental) {
      await graph.readIndex(join(previous!.dir, FILES.index));
      graph.resizeIndex(Math.max(labels.length, 1));
      for (const label of deleted) graph.markDelete(label);
    } else {
      graph.initIndex({ maxElements: Math.max(labels.length, 1), m: params.m, efConstruction: params.efConstruction, randomSeed: 100 });
    }
    for (const [i, label] of fresh.entries()) {
      graph.addPoint(Array.from(vector(labels[label]!.contentHash)), label);
      if (i % 1000 === 999) onProgress?.({ phase: 'indexing', done: i + 1, total: fresh.length });
      await tick();
    }
    await graph.writeIndex(join(dir, FILES.index));
  }
  onProgress?.({ phase: 'saving', done: 0, total: labels.length });

  const freshSet = new Set(fresh);
  const writer = new SentenceStoreWriter(join(dir, FILES.sentences), model.dimension, labels.map((p) => p?.spans ?? []));
  const records: (IndexedPaper | null)[] = [];
  for (const [label, p] of labels.entries()) {
    await tick();
    if (!p) {
      records.push(null);
    } else if (!freshSet.has(label)) {
      writer.copy(label, previous!.sentences.get(label));
      records.push({ ...p.paper, contentHash: p.contentHash, tldrSentence: previous!.catalog.tldrSentence(label) });
    } else {
      const sentenceVectors = p.sentences.map((s) => vector(textHash(s)));
      writer.write(label, sentenceVectors);
      const tldrSentence = pickTldrSentence(p.sentences, sentenceVectors, vector(p.contentHash));
      records.push({ ...p.paper, contentHash: p.contentHash, tldrSentence });
    }
  }
  await writer.finish();
  const offsets = await runCooperatively(paperLineSteps(join(dir, FILES.papers), records), tick);
  const catalog = Catalog.fromRecords(records, labels.map((p) => p?.paper ?? null), offsets);
  await writeFile(join(dir, FILES.catalog), catalog.serialize());
  onProgress?.({ phase: 'saving', done: labels.length, total: labels.length });
  const bm25 = await runCooperatively(Bm25Index.buildSteps(records.map((r) => r ?? undefined)), tick);
  await writeFile(join(dir, FILES.lexical), bm25.serialize());

  const manifest = await commitGeneration(indexDir, generation, {
    model,
    hnsw: incremental ? previous!.manifest.hnsw : { m: params.m, efConstruction: params.efConstruction },
    count: records.filter(Boolean).length,
    labels: records.map((r) => r?.id ?? null),
    corpusDigest: digest,
    sourcesStamp: options.sourcesStamp,
    sourceProblems: options.sourceProblems?.slice(0, 100),
  });
  const snapshot = new IndexSnapshot(
    manifest,
    dir,
    catalog,
    new PaperStore(join(dir, FILES.papers), catalog),
    graph,
    SentenceStore.open(join(dir, FILES.sentences), model.dimension),
    bm25,
    params.efSearch,
  );
  return {
    snapshot,
    summary: {
      ...summary,
      embedded: fresh.filter((label) => embedded.has(labels[label]!.contentHash)).length,
      embeddedTexts: embedded.size,
      count: snapshot.count,
      fullRebuild: !incremental,
      unchanged: false,
      tookMs: performance.now() - started,
    },
  };
}
