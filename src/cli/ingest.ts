import { mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { EngineConfig } from '../config.js';
import { UserError } from '../errors.js';
import { formatProblem } from '../papers/problems.js';
import { loadSources, sourceKind } from '../papers/sources.js';
import { confinePath } from '../util/paths.js';

/**
 * Validates a file of papers and stores them, normalized to JSONL, under data/ingested/, which every
 * reload reads. Returns what was found; the index update is the caller's next step.
 */
export async function ingestFile(config: EngineConfig, file: string, allowOutside = false): Promise<string> {
  const roots = [config.dataDir, ...config.sourcePaths.map((p) => (sourceKind(p) ? dirname(p) : p))];
  const path = confinePath(file, roots, allowOutside);
  const kind = sourceKind(path);
  if (!kind || kind === 'arxiv-ids') {
    throw new UserError(`${file}: expected a .txt daily-papers page, a .jsonl of papers or a daily-papers .json file`);
  }
  const { papers, problems } = await loadSources([path]);
  const report = problems.map(formatProblem);
  if (!papers.length) throw new UserError(`${file} holds no usable papers.${report.length ? `\n${report.join('\n')}` : ''}`);
  const target = join(config.dataDir, 'ingested', `${basename(path).replace(/\.[^.]+$/, '')}.jsonl`);
  mkdirSync(dirname(target), { recursive: true });
  await writeFileAtomic(target, papers.map((p) => JSON.stringify(p)).join('\n') + '\n');
  const skipped = report.length ? ` Skipped:\n${report.join('\n')}` : '';
  return `Read ${papers.length} papers from ${file} into ${target}.${skipped}`;
}
