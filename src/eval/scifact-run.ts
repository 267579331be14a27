import { join } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { mean, ndcgAt, recallAt, reciprocalRankAt } from './ranking-metrics.js';
import { rationalePrecision, type RationalePrecision } from './rationale.js';
import { limitSciFact, readSciFact, type SciFactSplit } from './scifact.js';
import { fixed3, textTable } from './table.js';
import { VARIANTS } from './variants.js';
import { openSetEngine, rankedResults, type SetOptions } from './workspace.js';

export interface SciFactScores {
  ndcgAt10: number;
  recallAt10: number;
  mrrAt10: number;
  rationale: RationalePrecision;
}

export interface SciFactReport {
  set: 'scifact';
  split: SciFactSplit;
  model: string;
  papers: number;
  claims: number;
  createdAt: string;
  limits: { docs?: number; queries?: number };
  variants: Record<string, SciFactScores>;
}

/** SciFact: rank the abstracts for each claim of `split`, and judge the sentence each reply marks. */
export async function runSciFact(options: SetOptions & { split: SciFactSplit }): Promise<SciFactReport> {
  const limits = { docs: options.limitDocs, queries: options.limitQueries };
  const data = limitSciFact(readSciFact(join(options.realworld, 'scifact'), options.split), { docs: limits.docs, claims: limits.queries });
  const abstracts = new Map(data.papers.map((p) => [p.id, p.abstract]));
  const engine: Engine = await openSetEngine('scifact', options.model, data.papers);
  const variants: Record<string, SciFactScores> = {};
  try {
    for (const [name, weights] of Object.entries(VARIANTS)) {
      const ranked = await rankedResults(engine, data.claims.map((c) => c.text), weights);
      const ids = ranked.map((results) => results.map((r) => r.id));
      variants[name] = {
        ndcgAt10: mean(data.claims.map((c, i) => ndcgAt(10, ids[i]!, c.relevant))),
        recallAt10: mean(data.claims.map((c, i) => recallAt(10, ids[i]!, c.relevant))),
        mrrAt10: mean(data.claims.map((c, i) => reciprocalRankAt(10, ids[i]!, c.relevant))),
        rationale: rationalePrecision(
          data.claims.map((c, i) => ({ question: c.text, results: ranked[i]!, rationales: c.rationales })),
          (id) => abstracts.get(id) ?? '',
        ),
      };
    }
    return {
      set: 'scifact',
      split: options.split,
      model: engine.config.model.id,
      papers: engine.stats().papers,
      claims: data.claims.length,
      createdAt: new Date().toISOString(),
      limits,
      variants,
    };
  } finally {
    await engine.close();
  }
}

export function sciFactTable(report: SciFactReport): string {
  const split = report.split === 'dev' ? 'test (dev)' : 'train';
  const rows = Object.entries(report.variants).map(([name, s]) => [
    name,
    fixed3(s.ndcgAt10),
    fixed3(s.recallAt10),
    fixed3(s.mrrAt10),
    fixed3(s.rationale.marked),
    fixed3(s.rationale.mostQuestionWords),
    fixed3(s.rationale.firstSentence),
    String(s.rationale.judged),
  ]);
  return [
    `SciFact ${split}, model ${report.model}: ${report.claims} claims over ${report.papers} abstracts`,
    '',
    textTable(['ranking', 'nDCG@10', 'recall@10', 'MRR@10', 'rationale: marked', 'most claim words', 'first sentence', 'judged'], rows),
    '',
    'rationale: over claims whose top result is an abstract annotated with evidence for the claim (judged),',
    'the share whose chosen sentence is an annotated rationale sentence.',
  ].join('\n');
}
