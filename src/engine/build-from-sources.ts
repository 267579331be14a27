import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import type { EngineConfig } from '../config.js';
import type { Embedder } from '../embedding/embedder.js';
import { NoPapersError } from '../errors.js';
import type { BuildProgress } from '../format/progress.js';
import { buildIndex, unchangedReport, type BuildReport } from '../index/build.js';
import { EmbeddingCache } from '../index/embedding-cache.js';
import { indexDirIn } from '../index/generation.js';
import type { ModelFingerprint } from '../index/manifest.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import type { Logger } from '../log.js';
import { formatProblem, type SourceProblem } from '../papers/problems.js';
import { loadSources, sourcesStamp } from '../papers/sources.js';
import { confineWrite } from '../util/paths.js';

/** What a reload did: its build's report and what could not be read from the sources. */
export interface ReloadReport extends BuildReport {
  problems: SourceProblem[];
  /** Problems in all; `problems` holds the first of them. */
  problemCount: number;
}

export function modelFingerprint(config: EngineConfig, dimension: number): ModelFingerprint {
  const { id, pooling, maxTokens, passagePrefix } = config.model;
  return { id, dimension, dtype: config.dtype, pooling, maxTokens, passagePrefix };
}

export function cacheDirFor(dataDir: string, fingerprint: ModelFingerprint): string {
  const key = createHash('sha256').update(JSON.stringify(fingerprint)).digest('hex').slice(0, 12);
  return confineWrite(join(dataDir, 'cache', `${fingerprint.id.replace(/[^\w.-]+/g, '_')}-${key}`), dataDir);
}

/** The configured sources, plus the feed and ingested folders of the data dir once they exist. */
export function sourcePaths(config: Pick<EngineConfig, 'sourcePaths' | 'dataDir'>): string[] {
  return [...config.sourcePaths, ...['feed', 'ingested'].map((d) => join(config.dataDir, d)).filter(existsSync)];
}

/** Reads the sources and builds what changed, holding a lock so two builders never run at once. */
export async function buildFromSources(
  config: EngineConfig,
  embedder: Embedder,
  fingerprint: ModelFingerprint,
  previous: IndexSnapshot | undefined,
  log: Logger,
  onProgress?: (progress: BuildProgress) => void,
  force = false,
): Promise<{ snapshot: IndexSnapshot; report: ReloadReport }> {
  const started = performance.now();
  const paths = sourcePaths(config);
  const stamp = sourcesStamp(paths);
  const warn = (problems: readonly SourceProblem[]) => {
    for (const problem of problems) log.warn({ source: problem.source, location: problem.location }, problem.message);
  };
  if (previous && !force && previous.manifest.sourcesStamp === stamp) {
    const problems = previous.manifest.sourceProblems ?? [];
    warn(problems);
    const problemCount = previous.manifest.sourceProblemCount ?? problems.length;
    return { snapshot: previous, report: { ...unchangedReport(previous, performance.now() - started), problems, problemCount } };
  }
  const { papers, problems, problemCount } = await loadSources(paths);
  warn(problems);
  if (!papers.length) throw new NoPapersError(paths, problems.map(formatProblem));

  const indexDir = indexDirIn(config.dataDir);
  const release = await lockfile.lock(indexDir, { retries: { retries: 30, minTimeout: 200, maxTimeout: 2000 }, stale: 60_000 });
  const cache = EmbeddingCache.open(cacheDirFor(config.dataDir, fingerprint), fingerprint.dimension);
  try {
    for (const path of cache.discarded) log.warn({ path }, 'discarded a corrupt embedding-cache file');
    const { snapshot, report } = await buildIndex({
      papers,
      previous,
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
    return { snapshot, report: { ...report, problems, problemCount } };
  } finally {
    cache.close();
    await release();
  }
}
