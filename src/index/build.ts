import { rm } from 'node:fs/promises';
import type { PassageEmbedder, PassageWithSentences } from '../embedding/embedder.js';
import { diskFullOr } from '../errors.js';
import type { BuildProgress } from '../format/progress.js';
import { paperPassage } from '../papers/paper.js';
import type { SourceProblem } from '../papers/problems.js';
import { cooperative } from '../util/cooperative.js';
import { settleAll } from '../util/settle-all.js';
import { Decision, Planner, preparePaper, type BuildPlan, type PlanCounts, type PreparedPaper } from './build-plan.js';
import { sentenceKey, type EmbeddingCache } from './embedding-cache.js';
import { commitGeneration, newGenerationDir, openSnapshot } from './generation.js';
import type { ModelFingerprint } from './manifest.js';
import type { PaperStream } from './paper-stream.js';
import { SegmentSet } from './segment-set.js';
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
  /** Where the time went, stage by stage (the caller adds the stages before the build, such as reading the sources). */
  stagesMs?: Record<string, number>;
}

export interface BuildOptions {
  /** The papers to index, which the build goes over a few times (see PaperStream). */
  papers: PaperStream;
  previous?: IndexSnapshot;
  embedder: PassageEmbedder;
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
const CHUNKS_IN_FLIGHT = 2;

export function unchangedReport(snapshot: IndexSnapshot, tookMs: number): BuildReport {
  return {
    ...{ added: 0, updated: 0, removed: 0, refreshed: 0, embedded: 0, embeddedTexts: 0 },
    ...{ count: snapshot.count, fullRebuild: false, unchanged: true, tookMs },
  };
}

/** A paper's passage with its sentences as offsets into it (the abstract ends the passage). */
export function passageWithSentences({ paper, spans }: PreparedPaper): PassageWithSentences {
  const text = paperPassage(paper);
  const offset = text.length - paper.abstract.length;
  return { text, sentences: spans.map((s) => ({ start: s.start + offset, end: s.end + offset })) };
}

/** Whether the cache lacks any vector of a paper: its passage's or one of its sentences'. */
function lacksVectors(cache: EmbeddingCache, { contentHash, spans }: PreparedPaper): boolean {
  return !cache.has(contentHash) || spans.some((span) => !cache.has(sentenceKey(contentHash, span)));
}

/** The papers whose vectors the cache lacked, being embedded while the generation is written. */
interface FreshEmbedding {
  papers: number;
  /** Per content hash of a paper being embedded: settles once its vectors are in the cache. */
  saved: ReadonlyMap<string, Promise<void>>;
  /** The vectors made, once every chunk is saved; rejects, once none is still under way, if one failed. */
  texts: Promise<number>;
}

/**
 * Embeds the papers whose vectors the cache lacks (passage and sentences, from one pass over each
 * passage) and saves them to it in chunks, so an interrupted build keeps most of its work. Vectors
 * are then read from the cache as needed, never all held in memory at once.
 */
function embedMissing(missing: readonly PreparedPaper[], { cache, embedder, onProgress }: Pick<BuildOptions, 'cache' | 'embedder' | 'onProgress'>, signal: AbortSignal): FreshEmbedding {
  let vectors = 0;
  let done = 0;
  // The cache takes one writer: chunks are saved one after another.
  let saving: Promise<void> = Promise.resolve();
  const chunks: Promise<void>[] = [];
  const saved = new Map<string, Promise<void>>();
  for (let start = 0; start < missing.length; start += CACHE_FLUSH_EVERY) {
    const chunk = missing.slice(start, start + CACHE_FLUSH_EVERY);
    // A chunk is handed over once the one CHUNKS_IN_FLIGHT before it is saved: the next is under way
    // before the last is back, so that no embedding thread waits at a chunk's end for the others.
    const turn = chunks[chunks.length - CHUNKS_IN_FLIGHT] ?? Promise.resolve();
    let chunkDone = 0;
    const embedding = turn
      .then(() => {
        signal.throwIfAborted();
        return embedder.embedWithSentences(
          chunk.map(passageWithSentences),
          (n) => {
            done += n - chunkDone;
            chunkDone = n;
            onProgress?.({ phase: 'embedding', done, total: missing.length });
          },
          signal,
        );
      })
      .then((embedded) => {
        const entries = new Map<string, Float32Array>();
        chunk.forEach(({ contentHash, spans }, i) => {
          entries.set(contentHash, embedded[i]!.passage);
          spans.forEach((span, j) => entries.set(sentenceKey(contentHash, span), embedded[i]!.sentences[j]!));
        });
        vectors += entries.size;
        return (saving = saving.then(() => cache.add(entries)));
      });
    embedding.catch(() => undefined); // heard through `saved` and `texts`
    chunks.push(embedding);
    for (const { contentHash } of chunk) saved.set(contentHash, embedding);
  }
  return { papers: missing.length, saved, texts: settleAll(chunks).then(() => vectors) };
}

function vector(cache: EmbeddingCache, hash: string): Float32Array {
  const found = cache.get(hash);
  if (!found) throw new Error(`embedding ${hash} vanished from the cache during the build`);
  return found;
}

/**
 * The indexing progress held back while papers are still being embedded (indexing keeps pace with
 * the embedding then, and the embedding is what there is to follow), and told once they all are.
 */
function indexingAfter(embedded: Promise<unknown>, onProgress: BuildOptions['onProgress']): BuildOptions['onProgress'] {
  if (!onProgress) return undefined;
  let waiting = true;
  let held: BuildProgress | undefined;
  void embedded.then(
    () => {
      waiting = false;
      if (held) onProgress(held);
    },
    () => undefined,
  );
  return (progress) => {
    if (waiting && progress.phase === 'indexing') held = progress;
    else onProgress(progress);
  };
}

/** Goes over the fresh papers for those whose vectors the cache lacks, and starts embedding them. */
async function embedFresh(plan: ChangePlan, options: BuildOptions, tick: Tick, signal: AbortSignal): Promise<FreshEmbedding> {
  const missing = new Map<string, PreparedPaper>();
  let i = 0;
  if (plan.fresh) {
    for (const entry of options.papers.each()) {
      if (plan.decisions[i++] !== Decision.Fresh) continue;
      const prepared = preparePaper(entry.paper());
      if (lacksVectors(options.cache, prepared)) missing.set(prepared.contentHash, prepared);
      await tick();
    }
  }
  return embedMissing([...missing.values()], options, signal);
}

/**
 * Writes every file of a generation into its folder, going over the papers once: a kept paper costs
 * a catalog copy, a refreshed one a new record, a fresh one its graph node, sentence rows, postings
 * and record, all appended to new segments. The previous generation's segments are linked in.
 */
async function writeGeneration(plan: ChangePlan, dir: string, embedding: FreshEmbedding, options: BuildOptions, tick: Tick) {
  const { previous, onProgress } = options;
  const set = new SegmentSet(dir, options.model.dimension, plan, plan.incremental ? previous : undefined);
  try {
    const prior = plan.incremental ? previous!.catalog : undefined;
    let i = 0;
    let done = 0;
    onProgress?.({ phase: 'indexing', done: 0, total: plan.fresh });
    for (const entry of options.papers.each()) {
      const decision = plan.decisions[i]!;
      const label = plan.labels[i++]!;
      if (decision === Decision.Kept) set.catalog.keep(label);
      else if (decision === Decision.Refreshed) await set.addRecord(label, entry.paper(), { contentHash: prior!.contentHash(label), tldrSentence: prior!.tldrSentence(label) });
      else {
        const prepared = preparePaper(entry.paper());
        await embedding.saved.get(prepared.contentHash);
        const paperVector = vector(options.cache, prepared.contentHash);
        const sentenceVectors = prepared.spans.map((span) => vector(options.cache, sentenceKey(prepared.contentHash, span)));
        await set.addFresh(label, prepared, paperVector, sentenceVectors, pickTldrSentence(prepared.sentences, sentenceVectors, paperVector));
        if (++done % 1000 === 0) onProgress?.({ phase: 'indexing', done, total: plan.fresh });
      }
      await tick();
    }
    onProgress?.({ phase: 'saving', done: 0, total: plan.labelCount });
    const written = await set.finish();
    onProgress?.({ phase: 'saving', done: plan.labelCount, total: plan.labelCount });
    return written;
  } catch (error) {
    set.abandon();
    throw error;
  }
}

/**
 * Builds the next index generation from papers: plans it (see build-plan.ts), embeds only what the
 * cache lacks, writes what changed, then switches the manifest. The previous snapshot stays
 * untouched and can serve queries until the caller swaps.
 */
export async function buildIndex(options: BuildOptions): Promise<{ snapshot: IndexSnapshot; report: BuildReport }> {
  const started = performance.now();
  const { papers, previous, indexDir } = options;
  // Every long loop yields now and then: the bot keeps answering while a large index is rebuilt.
  const tick = cooperative();
  const planner = new Planner(previous, options.force);
  for (const entry of papers.each()) {
    planner.add(entry);
    await tick();
  }
  const plan = planner.finish(options.hnsw);
  if (plan.unchanged) return { snapshot: previous!, report: unchangedReport(previous!, performance.now() - started) };
  const stagesMs: Record<string, number> = {};
  let stageStart = performance.now();
  const stage = (name: string) => {
    const now = performance.now();
    stagesMs[name] = now - stageStart;
    stageStart = now;
  };
  stagesMs.plan = stageStart - started;

  // Each paper is written as soon as its vectors are in: the writing takes one core, so it goes on
  // while the embedding threads share what is left, not after them.
  const stopEmbedding = new AbortController();
  const embedding = await embedFresh(plan, options, tick, stopEmbedding.signal);
  let embeddedAt = performance.now();
  const embedded = embedding.texts.then((texts) => {
    embeddedAt = performance.now();
    return texts;
  });
  embedded.catch(() => undefined); // awaited below

  const { generation, dir } = newGenerationDir(indexDir);
  const progress = { ...options, onProgress: indexingAfter(embedded, options.onProgress) };
  const written = await writeGeneration(plan, dir, embedding, progress, tick).catch(async (error: unknown) => {
    // Nothing may still be writing to the cache once the build gives up.
    stopEmbedding.abort(error);
    await embedded.catch(() => undefined);
    // Never made live, so of no use: its space is given back at once (a full disk needs it).
    await rm(dir, { recursive: true, force: true });
    throw diskFullOr(error, dir);
  });
  const texts = await embedded;
  stagesMs.embed = embeddedAt - stageStart;
  stageStart = embeddedAt;
  stage('write');
  const manifest = await commitGeneration(indexDir, generation, {
      model: options.model,
      hnsw: plan.hnsw,
      count: written.live,
      labels: plan.labelCount,
      corpusDigest: plan.digest,
      sourcesStamp: options.sourcesStamp,
      sourceProblems: options.sourceProblems?.slice(0, 100),
      sourceProblemCount: options.sourceProblemCount,
      files: { catalog: written.catalogEntry },
      segments: written.segments,
  });
  stage('commit');
  // Every graph is in memory already, the build's own or linked from `previous`, unless `previous`
  // was opened without reading them (a build thread's): then they are read only if searched.
  const graphs = new Map([...(plan.incremental ? previous!.graphs.held() : []), ...written.graphs]);
  const snapshot = await openSnapshot(indexDir, manifest, options.hnsw.efSearch, { graphs, catalog: written.catalog, lexical: written.lexical, lazyGraphs: true });
  stage('open');
  return {
    snapshot,
    report: {
      ...plan.counts,
      embedded: embedding.papers,
      embeddedTexts: texts,
      count: snapshot.count,
      fullRebuild: !plan.incremental,
      unchanged: false,
      tookMs: performance.now() - started,
      stagesMs,
    },
  };
}
