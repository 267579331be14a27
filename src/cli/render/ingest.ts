import type { IngestPlan } from '../ingest-plan.js';
import { describeProblemCount, formatProblem, type ProblemCounts } from '../../papers/problems.js';

const papers = (n: number) => `${n} paper${n === 1 ? '' : 's'}`;

/**
 * What an ingest is about to do, before the reload: "Read 3 papers from x.jsonl into
 * data/ingested/x-1a2b3c4d.jsonl: 2 new, 1 already indexed (updated)." and the file's problems.
 */
export function formatIngestPlan(plan: IngestPlan, problems: ProblemCounts): string {
  const parts = [`${plan.added} new`];
  if (plan.updated) parts.push(`${plan.updated} already indexed (updated)`);
  if (plan.kept) parts.push(`${plan.kept} already indexed as ${plan.kept === 1 ? 'it is' : 'they are'}`);
  if (plan.dropped) parts.push(`${papers(plan.dropped)} no longer in the file (removed unless another source has them)`);
  const stored = plan.write ? '' : ` ${plan.target} already held exactly these papers; nothing was written.`;
  const lines = [`Read ${plan.papers} papers from ${plan.file} into ${plan.target}: ${parts.join(', ')}.${stored}`];
  if (problems.problemCount) {
    lines.push(`${describeProblemCount(problems)}:`, ...problems.problems.map(formatProblem));
  }
  return lines.join('\n');
}
