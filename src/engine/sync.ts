import { existsSync } from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import type { EngineConfig } from '../config.js';
import type { Embedder } from '../embedding/embedder.js';
import { buildIndex, unchangedSummary, type BuildProgress } from '../index/build.js';
import { EmbeddingCache } from '../index/embedding-cache.js';
import type { ModelFingerprint } from '../index/manifest.js';
import type { IndexSnapshot } from '../index/snapshot.js';
import type { Logger } from '../log.js';
import { loadSources, sourcesStamp } from '../papers/sources.js';
import { UserError } from '../errors.js';
import { formatProblem, type SourceProblem } from '../papers/problems.js';
import type { BuildSummary } from '../index/build.js';
import { createHash } from 'node:crypto';

export class NoPapersError extends UserError {
  constructor(sources: readonly string[], problems: readonly SourceProblem[]) {
    super(
      `No papers found in ${sources.join(', ')}.` +
        (problems.length ? ` Problems:\n${problems.slice(0, 10).map(formatProblem).join('\n')}` : ''),
    );
  }
}

export interface ReloadReport extends BuildSummary {
  problems: SourceProblem[];
}

export function modelFingerprint(config: EngineConfig, dimension: number): ModelFingerprint {
  const { id, pooling, maxTokens, passagePrefix } = config.model;
  return { id, dimension, dtype: config.dtype, pooling, maxTokens, passagePrefix };
}

export function cacheDirFor(dataDir: string, fingerprint: ModelFingerprint): string {
  const key = createHash('sha256').update(JSON.stringify(fingerprint)).digest('hex').slice(0, 12);
  return join(dataDir, 'cache', `${fingerprint.id.replace(/[^\w.-]+/g, '_')}-${key}`);
}

/** Reads the sources and builds what changed, holding a lock so two builders never run at once. */
export async function syncIndex(
  config: EngineConfig,
  embedder: Embedder,
  fingerprint: ModelFingerprint,
  previous: IndexSnapshot | undefined,
  log: Logger,
  onProgress?: (progress: BuildProgress) => void,
  force = false,
): Promise<{ snapshot: IndexSnapshot; report: ReloadReport }> {
  const started = performance.now();
  const sourcePaths = [...config.sourcePaths, ...['feed', 'ingested'].map((d) => join(config.dataDir, d)).filter(existsSync)];
  const stamp = sourcesStamp(sourcePaths);
  const warn = (problems: readonly SourceProblem[]) => {
    for (const problem of problems) log.warn({ source: problem.source, location: problem.location }, problem.message);
  };
  if (previous && !force && previous.manifest.sourcesStamp === stamp) {
    const problems = previous.manifest.sourceProblems ?? [];
    warn(problems);
    return { snapshot: previous, report: { ...unchangedSummary(previous, performance.now() - started), problems } };
  }
  const { papers, problems } = await loadSources(sourcePaths);
  warn(problems);
  if (!papers.length) throw new NoPapersError(sourcePaths, problems);

  const indexDir = join(config.dataDir, 'index');
  const release = await lockfile.lock(indexDir, { retries: { retries: 30, minTimeout: 200, maxTimeout: 2000 }, stale: 60_000 });
  const cache = EmbeddingCache.open(cacheDirFor(config.dataDir, fingerprint), fingerprint.dimension);
  try {
    for (const path of cache.discarded) log.warn({ path }, 'discarded a corrupt embedding-cache file');
    const { snapshot, summary } = await buildIndex({
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
    });
    return { snapshot, report: { ...summary, problems } };
  } finally {
    cache.close();
    await release();
  }
}
