import type { EngineConfig } from '../config.js';
import { sourcePaths } from '../engine/build-from-sources.js';
import { IndexLoadError } from '../errors.js';
import { corpusDigest } from '../index/build-plan.js';
import { indexDirIn, readManifest, verifyGeneration } from '../index/generation.js';
import { loadSources } from '../papers/sources.js';

export interface IndexStatus {
  ok: boolean;
  generation?: string;
  model?: string;
  papers?: number;
  builtAt?: string;
  verified: boolean;
  upToDate?: boolean;
  lines: string[];
}

/** Reads the manifest, verifies every file against its checksum and compares the sources, without loading the model. */
export async function indexStatus(config: EngineConfig): Promise<IndexStatus> {
  const indexDir = indexDirIn(config.dataDir);
  let manifest;
  try {
    manifest = readManifest(indexDir);
  } catch (error) {
    if (!(error instanceof IndexLoadError)) throw error;
    const hint = error.problem === 'missing' ? 'Run `paperscout index build`.' : 'It will be rebuilt on the next start, or run `paperscout index build`.';
    return { ok: false, verified: false, lines: [`Index: ${error.message}.`, hint] };
  }
  const broken = await verifyGeneration(indexDir, manifest);
  const graphs = manifest.segments.graphs.length;
  const upToDate = corpusDigest((await loadSources(sourcePaths(config))).papers) === manifest.corpusDigest;
  const lines = [
    `Index ${manifest.generation} in ${indexDir}`,
    `  papers: ${manifest.count}`,
    `  model: ${manifest.model.id} (${manifest.model.dimension}-d, ${manifest.model.dtype}, ${manifest.model.pooling} pooling)`,
    `  HNSW: M=${manifest.hnsw.m}, efConstruction=${manifest.hnsw.efConstruction}, ${manifest.labels} labels in ${graphs} graph segment${graphs === 1 ? '' : 's'}`,
    `  built: ${manifest.createdAt}`,
    `  files: ${broken.length ? `CORRUPT (${broken.join(', ')}); it will be rebuilt on the next start` : 'verified against their checksums'}`,
    `  sources: ${upToDate ? 'unchanged since the build' : 'changed since the build; run `paperscout index build`'}`,
  ];
  return {
    ok: !broken.length,
    generation: manifest.generation,
    model: manifest.model.id,
    papers: manifest.count,
    builtAt: manifest.createdAt,
    verified: !broken.length,
    upToDate,
    lines,
  };
}
