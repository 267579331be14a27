import { join } from 'node:path';
import { firstHit, type EvalQuestion } from './metrics.js';
import { knownItemSet, limitKnownItems, readHfDays } from './hf-set.js';
import { mean } from './ranking-metrics.js';
import type { SetOptions } from './workspace.js';
import { fixed3, textTable } from './table.js';
import { VARIANTS } from './variants.js';
import { openSetEngine, rankedResults } from './workspace.js';

export interface KnownItemScores {
  hitAt1: number;
  hitAt5: number;
  hitAt10: number;
  mrrAt10: number;
}

/**
 * A known-item set over the Hugging Face days: `hf` asks each paper's own `ai_summary`; `questions`
 * asks the held-out researcher questions of tests/eval/hf-questions.jsonl. Both use the same build.
 */
export interface HfReport {
  set: 'hf' | 'questions';
  model: string;
  papers: number;
  questions: number;
  createdAt: string;
  limits: { docs?: number; queries?: number };
  variants: Record<string, KnownItemScores>;
}

/** The hit@1, hit@5, hit@10 and MRR@10 of 1-based ranks (Infinity when not found). */
export function knownItemScores(ranks: readonly number[]): KnownItemScores {
  const hit = (k: number) => mean(ranks.map((r) => (r <= k ? 1 : 0)));
  return { hitAt1: hit(1), hitAt5: hit(5), hitAt10: hit(10), mrrAt10: mean(ranks.map((r) => (r <= 10 ? 1 / r : 0))) };
}

/** Ranks the hf-days papers for each question, with every ranking variant. */
async function runKnownItems(set: HfReport['set'], options: SetOptions, asked?: readonly EvalQuestion[]): Promise<HfReport> {
  const limits = { docs: options.limitDocs, queries: options.limitQueries };
  const all = knownItemSet(readHfDays(join(options.realworld, 'hf-days')));
  const data = limitKnownItems(asked ? { ...all, questions: [...asked] } : all, { docs: limits.docs, questions: limits.queries });
  const engine = await openSetEngine('hf', options.model, data.papers);
  const variants: Record<string, KnownItemScores> = {};
  try {
    for (const [name, weights] of Object.entries(VARIANTS)) {
      const ranked = await rankedResults(engine, data.questions.map((q) => q.question), weights);
      variants[name] = knownItemScores(data.questions.map((q, i) => firstHit(ranked[i]!.map((r) => r.id), q.expected)));
    }
    return {
      set,
      model: engine.config.model.id,
      papers: engine.stats().papers,
      questions: data.questions.length,
      createdAt: new Date().toISOString(),
      limits,
      variants,
    };
  } finally {
    await engine.close();
  }
}

/** Hugging Face days: find each paper by its own `ai_summary`, which is kept out of the index. */
export const runHf = (options: SetOptions) => runKnownItems('hf', options);

/** The held-out realistic questions over the Hugging Face days (never tuned on). */
export const runHfQuestions = (options: SetOptions, questions: readonly EvalQuestion[]) => runKnownItems('questions', options, questions);

export function hfTable(report: HfReport): string {
  const rows = Object.entries(report.variants).map(([name, s]) => [name, fixed3(s.hitAt1), fixed3(s.hitAt5), fixed3(s.hitAt10), fixed3(s.mrrAt10)]);
  const asked = report.set === 'hf' ? 'ai_summary questions' : 'held-out researcher questions (tests/eval/hf-questions.jsonl)';
  return [
    `Hugging Face days, model ${report.model}: ${report.questions} ${asked} over ${report.papers} papers`,
    '',
    textTable(['ranking', 'hit@1', 'hit@5', 'hit@10', 'MRR@10'], rows),
  ].join('\n');
}
