import { existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { EngineConfig } from '../config.js';
import { IndexLoadError, UserError } from '../errors.js';
import { textHash } from '../index/embedding-cache.js';
import { indexDirIn, readCatalog, readManifest } from '../index/generation.js';
import { jsonlSteps } from '../papers/jsonl.js';
import { normalizeTitle, paperPassage } from '../papers/paper.js';
import { formatProblem, type ProblemCounts } from '../papers/problems.js';
import { loadSources, sourceKind } from '../papers/sources.js';
import { runToEnd } from '../util/cooperative.js';
import { confinePath, confineWrite } from '../util/paths.js';
import { planIngest, storedName, storedText, type IngestPlan, type LiveIndex } from './ingest-plan.js';

export interface Ingested {
  plan: IngestPlan;
  /** What could not be used, or was changed, in the file. */
  problems: ProblemCounts;
}

/** Each live paper's text hash, by id and by title; empty when there is no usable index yet. */
function liveIndex(dataDir: string): LiveIndex {
  const textById = new Map<string, string>();
  const idByTitle = new Map<string, string>();
  const indexDir = indexDirIn(dataDir);
  try {
    const manifest = readManifest(indexDir);
    const catalog = readCatalog(indexDir, manifest);
    for (let label = 0; label < catalog.size; label++) {
      const id = catalog.id(label);
      if (id === null) continue;
      textById.set(id, catalog.contentHash(label));
      idByTitle.set(normalizeTitle(catalog.title(label)), id);
    }
  } catch (error) {
    // No index yet, or one the next reload rebuilds: every paper counts as new.
    if (!(error instanceof IndexLoadError) && (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return { textById, idByTitle };
}

/**
 * Validates a file of papers and stores them, normalized to JSONL, under data/ingested/ in a copy of
 * its own, which every reload reads. Returns what it did, against the live index; the index update is
 * the caller's next step. Storing the same file again changes nothing.
 */
export async function ingestFile(config: EngineConfig, file: string, allowOutside = false): Promise<Ingested> {
  const roots = [config.dataDir, ...config.sourcePaths.map((p) => (sourceKind(p) ? dirname(p) : p))];
  const path = confinePath(file, roots, allowOutside);
  const kind = sourceKind(path);
  if (!kind || kind === 'arxiv-ids') {
    throw new UserError(`${file}: expected a .txt daily-papers page, a .jsonl of papers or a daily-papers .json file`);
  }
  const { papers, problems: first, problemCount, unusable } = await loadSources([path]);
  const problems = { problems: first, problemCount, unusable };
  if (!papers.length) {
    const report = problems.problems.map(formatProblem);
    throw new UserError(`${file} holds no usable papers.${report.length ? `\n${report.join('\n')}` : ''}`);
  }
  const target = confineWrite(join(config.dataDir, 'ingested', storedName(realpathSync(path), kind)), config.dataDir);
  const stored = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  const plan = planIngest({
    file,
    target,
    papers,
    textHash: (paper) => textHash(paperPassage(paper)),
    live: liveIndex(config.dataDir),
    stored,
    storedPapers: stored === undefined ? [] : runToEnd(jsonlSteps(stored, target)).items,
  });
  if (plan.write) {
    mkdirSync(dirname(target), { recursive: true });
    await writeFileAtomic(target, storedText(papers));
  }
  return { plan, problems };
}
