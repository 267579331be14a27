import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineConfig } from '../config.js';
import type { PassageEmbedder } from '../embedding/embedder.js';
import { SENTENCE_VECTORS } from '../embedding/late-chunking.js';
import { IndexLoadError, NoPapersError } from '../errors.js';
import type { BuildProgress } from '../format/progress.js';
import { buildIndex, unchangedReport, type BuildReport } from '../index/build.js';
import { EmbeddingCache } from '../index/embedding-cache.js';
import { openSources, sourceCacheDirIn } from '../index/source-stream.js';
import { indexDirIn, loadGeneration, readManifest } from '../index/generation.js';
import { acquireLock, formatLockNotice, indexLockPath, type LockNotice } from '../index/lock.js';
import type { ModelFingerprint } from '../index/manifest.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import type { Logger } from '../log.js';
import { formatProblem, type SourceProblem } from '../papers/problems.js';
import { sourcesStamp } from '../papers/sources.js';
import { confineWrite } from '../util/paths.js';

/** What a reload did: its build's report and what could not be read from the sources. */
export interface ReloadReport extends BuildReport {
  problems: SourceProblem[];
  /** Problems in all; `problems` holds the first of them. */
  problemCount: number;
}

export function modelFingerprint(config: EngineConfig, dimension: number): ModelFingerprint {
  const { id, pooling, maxTokens, passagePrefix } = config.model;
  return { id, dimension, dtype: config.dtype, pooling, maxTokens, passagePrefix, sentenceVectors: SENTENCE_VECTORS };
}

export function cacheDirFor(dataDir: string, fingerprint: ModelFingerprint): string {
  const key = createHash('sha256').update(JSON.stringify(fingerprint)).digest('hex').slice(0, 12);
  return confineWrite(join(dataDir, 'cache', `${fingerprint.id.replace(/[^\w.-]+/g, '_')}-${key}`), dataDir);
}

/** The configured sources, plus the feed and ingested folders of the data dir once they exist. */
export function sourcePaths(config: Pick<EngineConfig, 'sourcePaths' | 'dataDir'>): string[] {
  return [...config.sourcePaths, ...['feed', 'ingested'].map((d) => join(config.dataDir, d)).filter(existsSync)];
}

/** Whether the source files differ from those `snapshot` was built from (a cheap check: names, sizes and times). */
export function sourcesChanged(config: Pick<EngineConfig, 'sourcePaths' | 'dataDir'>, snapshot: IndexSnapshot): boolean {
  return snapshot.manifest.sourcesStamp !== sourcesStamp(sourcePaths(config));
}

/**
 * The generation to build on, read again once the lock is held: another writer may have committed
 * (and swept the generation `held` came from) while this one waited. Only the live generation is
 * safe to open by path, and only under the lock is it sure to stay live.
 */
async function liveGeneration(indexDir: string, held: IndexSnapshot | undefined, fingerprint: ModelFingerprint, efSearch: number, log: Logger): Promise<IndexSnapshot | undefined> {
  try {
    if (held && readManifest(indexDir).generation === held.manifest.generation) return held;
    // The build never searches the generation it builds on: its graphs are read only if something does.
    return await loadGeneration(indexDir, fingerprint, efSearch, { lazyGraphs: true });
  } catch (error) {
    if (!(error instanceof IndexLoadError)) throw error;
    if (error.problem !== 'missing') log.warn({ problem: error.problem }, `${error.message}; building the index from the sources`);
    return undefined;
  }
}

/** The sources stamp of the live generation, or undefined when there is none that can be read. */
function liveSourcesStamp(indexDir: string): string | undefined {
  try {
    return readManifest(indexDir).sourcesStamp;
  } catch {
    return undefined;
  }
}

export interface BuildFromSourcesOptions {
  onProgress?: (progress: BuildProgress) => void;
  /** Rebuild everything, even when the sources are unchanged. Default false. */
  force?: boolean;
  /** Told of a wait for the index lock, or of the takeover of a dead owner's lock. Default: logged. */
  onLockNotice?: (notice: LockNotice) => void;
}

/**
 * Reads the sources and builds what changed, holding the index lock so that writers take turns: each
 * builds on the generation live when its turn comes, with the vectors earlier writers cached.
 */
export async function buildFromSources(
  config: EngineConfig,
  embedder: PassageEmbedder,
  fingerprint: ModelFingerprint,
  previous: IndexSnapshot | undefined,
  log: Logger,
  { onProgress, force = false, onLockNotice }: BuildFromSourcesOptions = {},
): Promise<{ snapshot: IndexSnapshot; report: ReloadReport }> {
  const started = performance.now();
  const warn = (problems: readonly SourceProblem[]) => {
    for (const problem of problems) log.warn({ source: problem.source, location: problem.location }, problem.message);
  };
  const unchanged = (snapshot: IndexSnapshot) => {
    const problems = snapshot.manifest.sourceProblems ?? [];
    warn(problems);
    const problemCount = snapshot.manifest.sourceProblemCount ?? problems.length;
    return { snapshot, report: { ...unchangedReport(snapshot, performance.now() - started), problems, problemCount } };
  };
  // Unchanged sources need no lock: nothing is written.
  if (previous && !force && !sourcesChanged(config, previous)) return unchanged(previous);
  // Something changed, and new papers are likely: the embedding threads start while the sources are read.
  embedder.warm();

  const indexDir = indexDirIn(config.dataDir);
  const notify = onLockNotice ?? ((notice: LockNotice) => log.warn({ path: notice.path, pid: notice.owner?.pid }, formatLockNotice(notice)));
  const release = await acquireLock(indexLockPath(config.dataDir), { timeoutMs: config.lockTimeoutMs, onNotice: notify });
  let base: IndexSnapshot | undefined;
  let built: IndexSnapshot | undefined;
  try {
    // The sources too are read with the lock held, so each writer sees what the earlier ones added.
    const paths = sourcePaths(config);
    const stamp = sourcesStamp(paths);
    const open = () => liveGeneration(indexDir, previous, fingerprint, config.hnsw.efSearch, log);
    if (!force && liveSourcesStamp(indexDir) === stamp) {
      base = await open();
      if (base?.manifest.sourcesStamp === stamp) return unchanged((built = base));
    }
    const sourcesStarted = performance.now();
    // A generation not yet in hand (a build thread's case, which is handed none) is opened while the sources are read.
    const [opened, read] = await Promise.allSettled([base ? Promise.resolve(base) : open(), openSources(paths, sourceCacheDirIn(config.dataDir))]);
    if (opened.status === 'fulfilled') base = opened.value;
    if (read.status === 'rejected') throw read.reason;
    const sources = read.value;
    if (opened.status === 'rejected') {
      sources.close();
      throw opened.reason;
    }
    const sourcesMs = performance.now() - sourcesStarted;
    const { problems, problemCount } = sources;
    let cache: EmbeddingCache | undefined;
    try {
      warn(problems);
      if (!sources.count) throw new NoPapersError(paths, problems.map(formatProblem));
      const cacheStarted = performance.now();
      cache = EmbeddingCache.open(cacheDirFor(config.dataDir, fingerprint), fingerprint.dimension);
      const cacheMs = performance.now() - cacheStarted;
      for (const path of cache.discarded) log.warn({ path }, 'discarded a corrupt embedding-cache file');
      const { snapshot, report } = await buildIndex({
        papers: sources,
        previous: base,
        embedder,
        cache,
        indexDir,
        model: fingerprint,
        hnsw: config.hnsw,
        force,
        onProgress,
        sourcesStamp: stamp,
        sourceProblems: problems,
        sourceProblemCount: problemCount,
      });
      built = snapshot;
      return { snapshot, report: { ...report, stagesMs: { sources: sourcesMs, cache: cacheMs, ...report.stagesMs }, problems, problemCount } };
    } finally {
      cache?.close();
      sources.close();
    }
  } finally {
    // A generation loaded here that the caller does not get back is closed here; `previous` is the caller's.
    if (base && base !== previous && base !== built) base.close();
    release();
  }
}
