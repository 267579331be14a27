import { join } from 'node:path';
import { rankCandidates, type RankingWeights } from '../engine/rank.js';
import { BM25_PARAMS, TITLE_REPEATS } from '../search/bm25.js';
import { knownItemSet, readHfDays } from './hf-set.js';
import { EvidencePool, type JudgedQuestion, type PoolSettings, type PooledQuestion } from './pool.js';
import { mean, ndcgAt, reciprocalRankAt } from './ranking-metrics.js';
import { limitSciFact, QUALITY_CLAIMS, readSciFact } from './scifact.js';
import { fixed3, textTable } from './table.js';
import type { SetOptions } from './workspace.js';

/** One ranking setting: how the pool is drawn and how it is ranked. */
export interface TuningSetting {
  pool: PoolSettings;
  weights: RankingWeights;
}

export interface TuningRow {
  name: string;
  setting: TuningSetting;
  /** SciFact train nDCG@10. */
  scifact: number;
  /** hf ai_summary MRR@10. */
  hf: number;
}

/** The tuning questions: SciFact's train claims but the quality tests' few, and every n-th hf ai_summary question (a spread over all days). */
export function tuningQuestions(realworld: string, hfSample: number, limits: { docs?: number; claims?: number } = {}) {
  const train = readSciFact(join(realworld, 'scifact'), 'train');
  const sci = limitSciFact({ ...train, claims: train.claims.slice(QUALITY_CLAIMS) }, limits);
  const hf = knownItemSet(readHfDays(join(realworld, 'hf-days')));
  const step = Math.max(1, Math.floor(hf.questions.length / hfSample));
  return {
    sci: { papers: sci.papers, questions: sci.claims.map((c): JudgedQuestion => ({ text: c.text, relevant: c.relevant })) },
    hf: {
      papers: hf.papers,
      questions: hf.questions.filter((_, i) => i % step === 0).map((q): JudgedQuestion => ({ text: q.question, relevant: new Set(q.expected) })),
    },
  };
}

export type TuningPools = Partial<Record<'scifact' | 'hf', EvidencePool>>;

/** Tuning sets (SciFact's train claims, a fixed sample of the hf ai_summary questions; never a test set), those asked for. */
export async function tuningPools(options: SetOptions & { hfQuestions: number; sets: readonly ('scifact' | 'hf')[] }): Promise<TuningPools> {
  const { sci, hf } = tuningQuestions(options.realworld, options.hfQuestions, { docs: options.limitDocs, claims: options.limitQueries });
  const pools: TuningPools = {};
  if (options.sets.includes('scifact')) pools.scifact = await EvidencePool.forSet('scifact', options.model, sci.papers, sci.questions);
  if (options.sets.includes('hf')) pools.hf = await EvidencePool.forSet('hf', options.model, hf.papers, hf.questions);
  return pools;
}

function score(pools: readonly PooledQuestion[], pool: EvidencePool, weights: RankingWeights, metric: 'ndcg' | 'mrr'): number {
  return mean(
    pools.map((q) => {
      const ids = rankCandidates(q.candidates, weights)
        .slice(0, 10)
        .map((c) => pool.ids[c.label]!);
      return metric === 'ndcg' ? ndcgAt(10, ids, q.relevant) : reciprocalRankAt(10, ids, q.relevant);
    }),
  );
}

/** The grid searched: BM25's constants, the fusion's scale and weights, the pool depth, and RRF's k. */
export function tuningGrid(): { name: string; setting: TuningSetting }[] {
  const grid: { name: string; setting: TuningSetting }[] = [];
  const basePool: PoolSettings = { bm25: BM25_PARAMS, titleRepeats: TITLE_REPEATS, depth: 50 };
  for (const k1 of [0.9, 1.2, 1.5, 2]) {
    for (const b of [0.5, 0.75, 0.9]) {
      for (const titleRepeats of [1, 2, 3]) {
        const pool = { bm25: { k1, b }, titleRepeats, depth: 50 };
        grid.push({ name: `bm25 k1=${k1} b=${b} title×${titleRepeats}`, setting: { pool, weights: { mode: 'bm25', sentence: 0, lexical: 1 } } });
      }
    }
  }
  for (const depth of [20, 50, 100]) {
    const pool = { ...basePool, depth };
    for (const sentence of [0, 0.1, 0.2, 0.3, 0.5, 0.6, 0.7, 0.8, 1]) {
      grid.push({ name: `dense s=${sentence} d=${depth}`, setting: { pool, weights: { mode: 'dense', sentence, lexical: 0 } } });
      for (const lexical of [0.2, 0.3, 0.4, 0.5, 0.6, 0.8]) {
        grid.push({ name: `max s=${sentence} l=${lexical} d=${depth}`, setting: { pool, weights: { mode: 'fused', scale: 'max', sentence, lexical } } });
      }
      for (const lexical of [0.2, 0.3, 0.4, 0.5, 0.6, 0.7]) {
        for (const scale of ['minmax', 'zscore'] as const) {
          grid.push({ name: `${scale} s=${sentence} l=${lexical} d=${depth}`, setting: { pool, weights: { mode: 'fused', scale, sentence, lexical } } });
        }
      }
    }
    for (const rrfK of [10, 30, 60]) {
      for (const lexical of [0.5, 1, 1.5]) {
        grid.push({ name: `rrf k=${rrfK} l=${lexical} d=${depth}`, setting: { pool, weights: { mode: 'rrf', sentence: 0, lexical, rrfK } } });
      }
    }
  }
  return grid;
}

/** Scores every setting of the grid on the tuning sets given (NaN for a set not given). */
export function tune(pools: TuningPools, grid = tuningGrid()): TuningRow[] {
  // Settings that share a pool follow each other in the grid: draw it once for them.
  let drawn: { key: string; scifact?: PooledQuestion[]; hf?: PooledQuestion[] } | undefined;
  return grid.map(({ name, setting }) => {
    const key = JSON.stringify(setting.pool);
    if (drawn?.key !== key) drawn = { key, scifact: pools.scifact?.pools(setting.pool), hf: pools.hf?.pools(setting.pool) };
    const { scifact, hf } = drawn;
    return {
      name,
      setting,
      scifact: scifact ? score(scifact, pools.scifact!, setting.weights, 'ndcg') : NaN,
      hf: hf ? score(hf, pools.hf!, setting.weights, 'mrr') : NaN,
    };
  });
}

/** The mean of the figures a row has. */
const overall = (row: TuningRow) => mean([row.scifact, row.hf].filter((x) => !Number.isNaN(x)));

/** The best `top` settings, then the best of each kind (bm25, dense, max, minmax, zscore, rrf) for comparison. */
export function tuningTable(rows: readonly TuningRow[], top = 25): string {
  const sorted = [...rows].sort((a, b) => overall(b) - overall(a));
  const shown = (x: number) => (Number.isNaN(x) ? '-' : fixed3(x));
  const kinds = [...new Set(sorted.map((r) => r.name.split(' ')[0]!))];
  const bestOfKind = kinds.map((kind) => sorted.find((r) => r.name.startsWith(`${kind} `))!);
  const row = (r: TuningRow) => [r.name, shown(r.scifact), shown(r.hf), fixed3(overall(r))];
  return [
    textTable(['setting', 'scifact train nDCG@10', 'hf ai_summary MRR@10', 'mean'], sorted.slice(0, top).map(row)),
    '',
    'best of each kind:',
    textTable(['setting', 'scifact train nDCG@10', 'hf ai_summary MRR@10', 'mean'], bestOfKind.map(row)),
  ].join('\n');
}
