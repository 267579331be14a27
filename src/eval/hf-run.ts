import { join } from 'node:path';
import { firstHit } from './metrics.js';
import { knownItemSet, limitKnownItems, readHfDays } from './hf-set.js';
import { mean } from './ranking-metrics.js';
import type { SetOptions } from './workspace.js';
import { fixed3, textTable } from './table.js';
import { VARIANTS } from './variants.js';
import { openSetEngine, rankedResults } from './workspace.js';

export interface KnownItemScores {
  hitAt1: number;
  hitAt10: number;
  mrrAt10: number;
}

export interface HfReport {
  set: 'hf';
  model: string;
  papers: number;
  questions: number;
  createdAt: string;
  limits: { docs?: number; queries?: number };
  variants: Record<string, KnownItemScores>;
}

/** The hit@1, hit@10 and MRR@10 of 1-based ranks (Infinity when not found). */
export function knownItemScores(ranks: readonly number[]): KnownItemScores {
  return {
    hitAt1: mean(ranks.map((r) => (r <= 1 ? 1 : 0))),
    hitAt10: mean(ranks.map((r) => (r <= 10 ? 1 : 0))),
    mrrAt10: mean(ranks.map((r) => (r <= 10 ? 1 / r : 0))),
  };
}

/** Hugging Face days: find each paper by its own `ai_summary`, which is kept out of the index. */
export async function runHf(options: SetOptions): Promise<HfReport> {
  const limits = { docs: options.limitDocs, queries: options.limitQueries };
  const data = limitKnownItems(knownItemSet(readHfDays(join(options.realworld, 'hf-days'))), { docs: limits.docs, questions: limits.queries });
  const engine = await openSetEngine('hf', options.model, data.papers);
  const variants: Record<string, KnownItemScores> = {};
  try {
    for (const [name, weights] of Object.entries(VARIANTS)) {
      const ranked = await rankedResults(engine, data.questions.map((q) => q.question), weights);
      variants[name] = knownItemScores(data.questions.map((q, i) => firstHit(ranked[i]!.map((r) => r.id), q.expected)));
    }
    return {
      set: 'hf',
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

export function hfTable(report: HfReport): string {
  const rows = Object.entries(report.variants).map(([name, s]) => [name, fixed3(s.hitAt1), fixed3(s.hitAt10), fixed3(s.mrrAt10)]);
  return [
    `Hugging Face days, model ${report.model}: ${report.questions} ai_summary questions over ${report.papers} papers`,
    '',
    textTable(['ranking', 'hit@1', 'hit@10', 'MRR@10'], rows),
  ].join('\n');
}
