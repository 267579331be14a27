import type { RelevanceFit } from '../embedding/models.js';
import { rankCandidates, semanticScore, type RankingWeights } from '../engine/rank.js';
import { relevance, type RelevanceEvidence } from '../engine/relevance.js';
import type { PooledQuestion } from './pool.js';

/** A shown result's evidence, and whether it is judged relevant. */
export interface LabelledResult {
  evidence: RelevanceEvidence;
  relevant: boolean;
}

/** The top `k` results of each question as the engine ranks them, labelled by the judgements. */
export function labelledResults(pooled: readonly PooledQuestion[], ids: readonly (string | null)[], weights: RankingWeights, k = 10): LabelledResult[] {
  return pooled.flatMap((q) =>
    rankCandidates(q.candidates, weights)
      .slice(0, k)
      .map((c) => ({
        evidence: { dense: c.dense, sentence: c.sentence, coverage: q.maxLexical > 0 ? c.lexical / q.maxLexical : 0 },
        relevant: q.relevant.has(ids[c.label] ?? ''),
      })),
  );
}

const FEATURES = ['dense', 'sentence', 'coverage'] as const;

/**
 * Logistic regression by Newton's method (a small ridge keeps it stable), on the features named;
 * the others get weight 0. Each set is weighted to count the same, so the larger does not dominate.
 */
export function fitRelevance(sets: readonly (readonly LabelledResult[])[], features: readonly (typeof FEATURES)[number][] = FEATURES): RelevanceFit {
  const rows = sets.flatMap((set) => set.map((r) => ({ x: [1, ...features.map((f) => r.evidence[f])], y: r.relevant ? 1 : 0, w: 1 / set.length })));
  const n = features.length + 1;
  const beta = new Array<number>(n).fill(0);
  for (let iteration = 0; iteration < 50; iteration++) {
    const gradient = new Array<number>(n).fill(0);
    const hessian = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j && i > 0 ? 1e-4 : 0)));
    for (const { x, y, w } of rows) {
      const p = 1 / (1 + Math.exp(-x.reduce((s, xi, i) => s + xi * beta[i]!, 0)));
      for (let i = 0; i < n; i++) {
        gradient[i]! += w * (y - p) * x[i]!;
        for (let j = 0; j < n; j++) hessian[i]![j]! += w * p * (1 - p) * x[i]! * x[j]!;
      }
    }
    for (let i = 1; i < n; i++) gradient[i]! -= 1e-4 * beta[i]!;
    const step = solve(hessian, gradient);
    step.forEach((s, i) => (beta[i]! += s));
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  const fit: RelevanceFit = { bias: beta[0]!, dense: 0, sentence: 0, coverage: 0 };
  features.forEach((f, i) => (fit[f] = beta[i + 1]!));
  return roundFit(fit);
}

function roundFit(fit: RelevanceFit): RelevanceFit {
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return { bias: r(fit.bias), dense: r(fit.dense), sentence: r(fit.sentence), coverage: r(fit.coverage) };
}

/** Gaussian elimination with partial pivoting: a in x = b, for the few unknowns of a fit. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(m[row]![col]!) > Math.abs(m[pivot]![col]!)) pivot = row;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let row = col + 1; row < n; row++) {
      const factor = m[row]![col]! / m[col]![col]!;
      for (let k = col; k <= n; k++) m[row]![k]! -= factor * m[col]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let sum = m[row]![n]!;
    for (let k = row + 1; k < n; k++) sum -= m[row]![k]! * x[k]!;
    x[row] = sum / m[row]![row]!;
  }
  return x;
}

export interface ReliabilityRow {
  /** Predicted relevance bucket, e.g. "0.2–0.3". */
  bucket: string;
  results: number;
  /** Mean predicted chance in the bucket. */
  predicted: number;
  /** Share of the bucket's results judged relevant. */
  observed: number;
}

/** Predicted relevance in tenths against the share observed relevant. */
export function reliability(results: readonly LabelledResult[], fit: RelevanceFit): ReliabilityRow[] {
  const buckets = Array.from({ length: 10 }, () => ({ n: 0, predicted: 0, relevant: 0 }));
  for (const r of results) {
    const p = relevance(r.evidence, fit);
    const b = buckets[Math.min(9, Math.floor(p * 10))]!;
    b.n++;
    b.predicted += p;
    b.relevant += r.relevant ? 1 : 0;
  }
  return buckets.flatMap((b, i) =>
    b.n ? [{ bucket: `${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}`, results: b.n, predicted: b.predicted / b.n, observed: b.relevant / b.n }] : [],
  );
}

/** The confidence the engine reports for each question: the semantic score of its top result. */
export function topConfidences(pooled: readonly PooledQuestion[], weights: RankingWeights): number[] {
  return pooled.map((q) => {
    const top = rankCandidates(q.candidates, weights)[0];
    return top ? semanticScore(top, weights) : 0;
  });
}
