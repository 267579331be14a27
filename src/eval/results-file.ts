import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a set's report beside the bench results: `bench/results/eval-<name>-<time>.json` always,
 * and `eval-<name>-latest.json` (committed) only for a full run, so a subset never replaces it.
 */
export function writeResults(name: string, report: { createdAt: string }, full: boolean, dir = join('bench', 'results')): string[] {
  mkdirSync(dir, { recursive: true });
  const stamp = report.createdAt.replace(/[:.]/g, '-');
  const text = `${JSON.stringify(report, null, 2)}\n`;
  const paths = [join(dir, `eval-${name}-${stamp}.json`), ...(full ? [join(dir, `eval-${name}-latest.json`)] : [])];
  for (const path of paths) writeFileSync(path, text);
  return paths;
}
