import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** One hand-labelled real day: its papers and, for each topic, the ones that topic should match. */
const labelledDaySchema = z.object({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** `tune` days choose the threshold; `test` days only report it. */
  split: z.enum(['tune', 'test']),
  papers: z.array(z.string()).min(1),
  relevant: z.record(z.string(), z.array(z.string())),
});

export type LabelledDay = z.infer<typeof labelledDaySchema>;

/** The labels file (`tests/eval/watch-labels.jsonl`): one day a line, every day labelled for the same topics. */
export function readWatchLabels(path: string): LabelledDay[] {
  const days = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => labelledDaySchema.parse(JSON.parse(line)));
  const topics = JSON.stringify(Object.keys(days[0]?.relevant ?? {}).sort());
  for (const day of days) {
    if (JSON.stringify(Object.keys(day.relevant).sort()) !== topics) throw new Error(`${day.day} is not labelled for the same topics as the first day`);
    const unknown = Object.values(day.relevant).flat().filter((id) => !day.papers.includes(id));
    if (unknown.length) throw new Error(`${day.day} labels papers it does not list: ${unknown.join(', ')}`);
  }
  return days;
}

export interface MatchCounts {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

/** Counts over (topic, paper) pairs: a pair matches when its score reaches the threshold. */
export function countMatches(pairs: readonly { score: number; relevant: boolean }[], threshold: number): MatchCounts {
  const counts = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };
  for (const { score, relevant } of pairs) {
    const matched = score >= threshold;
    if (matched && relevant) counts.truePositives++;
    else if (matched) counts.falsePositives++;
    else if (relevant) counts.falseNegatives++;
  }
  return counts;
}

export function precisionRecall(c: MatchCounts): { precision: number; recall: number; f1: number } {
  const precision = c.truePositives + c.falsePositives ? c.truePositives / (c.truePositives + c.falsePositives) : 1;
  const recall = c.truePositives + c.falseNegatives ? c.truePositives / (c.truePositives + c.falseNegatives) : 1;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

/** The threshold (on a 0.01 grid) with the best F1 on these pairs; ties go to the higher one (fewer DMs). */
export function bestThreshold(pairs: readonly { score: number; relevant: boolean }[]): number {
  let best = { threshold: 1, f1: -1 };
  for (let t = 100; t >= 0; t--) {
    const threshold = t / 100;
    const { f1 } = precisionRecall(countMatches(pairs, threshold));
    if (f1 > best.f1) best = { threshold, f1 };
  }
  return best.threshold;
}
