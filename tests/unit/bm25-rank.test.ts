import { describe, expect, it } from 'vitest';
import { rankCandidates, type CandidateEvidence, type RankingWeights } from '../../src/engine/rank.js';
import { Bm25Index, topN, type Scored } from '../../src/search/bm25.js';
import { runToEnd } from '../../src/util/cooperative.js';
import { prng as random } from '../../bench/harness/random.js';

/** The step-by-step build that the index build runs, run to the end at once. */
const buildBm25 = (documents: Parameters<typeof Bm25Index.buildSteps>[0]) => runToEnd(Bm25Index.buildSteps(documents));

/** The reference: every positive candidate, best first, ties by label. */
function fullSortTop(scores: Float64Array, n: number, isCandidate: (label: number) => boolean): Scored[] {
  return Array.from(scores, (score, label) => ({ label, score }))
    .filter((s) => s.score > 0 && isCandidate(s.label))
    .sort((a, b) => b.score - a.score || a.label - b.label)
    .slice(0, n);
}

const docs = [
  { title: 'Scaling MLPs: A Tale of Inductive Bias', abstract: 'We revisit multi-layer perceptrons and study how they scale with data and compute.' },
  { title: 'Efficient Attention for Long Documents', abstract: 'Transformers struggle with long inputs; we propose sparse attention that scales linearly.' },
  { title: 'Graph Neural Networks for Molecules', abstract: 'We predict molecular properties with message passing over atoms and bonds.' },
  { title: 'A Survey of Language Models', abstract: 'Language models are trained on large corpora; we survey data, compute and evaluation.' },
];

describe('Bm25Index', () => {
  const index = buildBm25(docs);

  it('ranks the document containing a rare query term first', () => {
    const results = index.search('message passing for molecules', 4);
    expect(results[0]!.label).toBe(2);
    const scores = index.scores('molecular message passing');
    expect(scores[2]).toBeGreaterThan(0);
    expect(scores[0]).toBe(0);
    expect(scores[1]).toBe(0);
  });

  it('prefers a rare term over a common one', () => {
    // "data" and "compute" appear in two abstracts, "perceptrons" in one.
    const scores = index.scores('perceptrons data');
    expect(scores[0]).toBeGreaterThan(scores[3]!);
  });

  it('stems, so inflected forms match', () => {
    expect(index.search('scaling', 4).map((s) => s.label)).toContain(0);
    expect(index.scores('molecule')[2]).toBeGreaterThan(0);
  });

  it('weighs a term in the title above the same term in the abstract', () => {
    const pair = buildBm25([
      { title: 'Kernel methods', abstract: 'We study regression on small tabular datasets.' },
      { title: 'Regression on small datasets', abstract: 'We study kernel methods for tabular data.' },
    ]);
    const scores = pair.scores('kernel');
    expect(scores[0]).toBeGreaterThan(scores[1]!);
    expect(scores[1]).toBeGreaterThan(0);
  });

  it('takes k1 and b per query: b = 0 ignores length, and a larger k1 rewards repeats more', () => {
    const lengths = buildBm25([
      { title: 'x', abstract: 'kernel' },
      { title: 'x', abstract: 'kernel padding padding padding padding padding padding padding' },
    ]);
    const noLength = lengths.scores('kernel', { k1: 1.2, b: 0 });
    expect(noLength[0]).toBeCloseTo(noLength[1]!, 12);
    const withLength = lengths.scores('kernel', { k1: 1.2, b: 0.75 });
    expect(withLength[0]).toBeGreaterThan(withLength[1]!);
    const repeats = buildBm25([
      { title: 'x', abstract: 'kernel kernel kernel' },
      { title: 'x', abstract: 'kernel other other' },
    ]);
    const ratio = (k1: number) => repeats.scores('kernel', { k1, b: 0 })[0]! / repeats.scores('kernel', { k1, b: 0 })[1]!;
    expect(ratio(2)).toBeGreaterThan(ratio(0.5));
  });

  it('bounds every score by maxScore, the sum of the terms at saturation', () => {
    const query = 'message passing molecules scaling';
    const max = index.maxScore(query);
    const scores = index.scores(query);
    expect(Math.max(...scores)).toBeGreaterThan(0);
    for (const score of scores) expect(score).toBeLessThan(max);
    expect(index.maxScore('the of a')).toBe(0);
  });

  it('counts a title as many times as asked', () => {
    const pair = [
      { title: 'Sparse attention', abstract: 'We study kernels.' },
      { title: 'Kernels', abstract: 'We study sparse attention and sparse attention again.' },
    ];
    const once = runToEnd(Bm25Index.buildSteps(pair, 1)).scores('sparse attention');
    const thrice = runToEnd(Bm25Index.buildSteps(pair, 3)).scores('sparse attention');
    expect(once[1]).toBeGreaterThan(once[0]!);
    expect(thrice[0]).toBeGreaterThan(thrice[1]!);
  });

  it('scores nothing for a stopword-only query', () => {
    expect(Array.from(index.scores('what is the of and with using'))).toEqual([0, 0, 0, 0]);
    expect(index.search('the of a', 10)).toEqual([]);
    expect(index.search('', 10)).toEqual([]);
  });

  it('skips missing documents and honours the candidate filter', () => {
    const sparse = buildBm25([docs[0], undefined, docs[2]]);
    expect(sparse.scores('molecules')).toHaveLength(3);
    expect(sparse.search('molecules perceptrons', 5).map((s) => s.label).sort()).toEqual([0, 2]);
    expect(sparse.search('molecules perceptrons', 5, (label) => label !== 2).map((s) => s.label)).toEqual([0]);
  });

  it('counts a repeated query word once', () => {
    expect(Array.from(index.scores('molecules molecules molecules'))).toEqual(Array.from(index.scores('molecules')));
  });
});

describe('topN', () => {
  it('equals the top n of a full sort on random data, ties included', () => {
    const next = random(42);
    for (let trial = 0; trial < 50; trial++) {
      const size = Math.floor(next() * 200);
      // Coarse values make ties and non-positive scores common.
      const scores = Float64Array.from({ length: size }, () => Math.round(next() * 20 - 4) / 4);
      const excluded = new Set(Array.from({ length: 10 }, () => Math.floor(next() * size)));
      const isCandidate = (label: number) => !excluded.has(label);
      for (const n of [1, 2, 5, 17, 300]) {
        expect(topN(scores, n, isCandidate), `trial ${trial}, n ${n}`).toEqual(fullSortTop(scores, n, isCandidate));
      }
    }
  });

  it('works on Float32Array scores too', () => {
    const scores = Float32Array.from([0.5, 3, 0, 2, -1, 3]);
    expect(topN(scores, 3, () => true)).toEqual([
      { label: 1, score: 3 },
      { label: 5, score: 3 },
      { label: 3, score: 2 },
    ]);
  });

  it('returns nothing when asked for zero results', () => {
    expect(topN(Float64Array.from([1, 2, 3]), 0, () => true)).toEqual([]);
  });
});

describe('rankCandidates', () => {
  const candidates: CandidateEvidence[] = [
    { label: 0, dense: 0.8, sentence: 0.1, lexical: 0 },
    { label: 1, dense: 0.6, sentence: 0.9, lexical: 2 },
    { label: 2, dense: 0.5, sentence: 0.5, lexical: 10 },
    { label: 3, dense: 0.7, sentence: 0.2, lexical: 1 },
  ];
  const labels = (ranked: { label: number }[]) => ranked.map((c) => c.label);
  const weights = (mode: RankingWeights['mode'], sentence = 0.3, lexical = 0.1): RankingWeights => ({ mode, sentence, lexical });

  it("'dense' orders by the semantic score: whole-paper cosine blended with the best sentence", () => {
    expect(labels(rankCandidates(candidates, weights('dense', 0)))).toEqual([0, 3, 1, 2]);
    const blended = rankCandidates(candidates, weights('dense', 0.5));
    // 0: .45, 1: .75, 2: .5, 3: .45
    expect(labels(blended)).toEqual([1, 2, 0, 3]);
    expect(blended[0]!.score).toBeCloseTo(0.75, 10);
  });

  it("'bm25' orders by the raw lexical score alone", () => {
    const ranked = rankCandidates(candidates, weights('bm25'));
    expect(labels(ranked)).toEqual([2, 1, 3, 0]);
    expect(ranked.map((c) => c.score)).toEqual([10, 2, 1, 0]);
  });

  it("'fused' adds the lexical score, normalized to the best one, times its weight", () => {
    const ranked = rankCandidates(candidates, weights('fused', 0, 0.5));
    // semantic + 0.5 * lexical/10 → 0: .8, 1: .7, 2: 1.0, 3: .75
    expect(labels(ranked)).toEqual([2, 0, 3, 1]);
    expect(ranked.map((c) => c.score)).toEqual([1, 0.8, 0.75, 0.7].map((x) => expect.closeTo(x, 10)));
    expect(labels(rankCandidates(candidates, weights('fused', 0, 0)))).toEqual([0, 3, 1, 2]);
  });

  it("'fused' equals 'dense' when no candidate has a lexical score", () => {
    const noLexical = candidates.map((c) => ({ ...c, lexical: 0 }));
    const fused = rankCandidates(noLexical, weights('fused', 0.3, 0.5));
    const dense = rankCandidates(noLexical, weights('dense', 0.3, 0.5));
    expect(fused).toEqual(dense);
    expect(fused.every((c) => Number.isFinite(c.score))).toBe(true);
  });

  it("'rrf' sums reciprocal ranks, counting the lexical rank only for lexical hits", () => {
    const ranked = rankCandidates(candidates, weights('rrf', 0, 1));
    // dense ranks: 0→1, 3→2, 1→3, 2→4; lexical ranks: 2→1, 1→2, 3→3, (0 has no lexical hit)
    const expected = new Map([
      [0, 1 / 61],
      [1, 1 / 63 + 1 / 62],
      [2, 1 / 64 + 1 / 61],
      [3, 1 / 62 + 1 / 63],
    ]);
    for (const c of ranked) expect(c.score).toBeCloseTo(expected.get(c.label)!, 12);
    expect(labels(ranked)).toEqual([2, 1, 3, 0]);
  });

  it("'rrf' weighs the lexical term by `lexical` and offsets ranks by `rrfK`", () => {
    const ranked = rankCandidates(candidates, { mode: 'rrf', sentence: 0, lexical: 0.5, rrfK: 10 });
    const expected = new Map([
      [0, 1 / 11],
      [1, 1 / 13 + 0.5 / 12],
      [2, 1 / 14 + 0.5 / 11],
      [3, 1 / 12 + 0.5 / 13],
    ]);
    for (const c of ranked) expect(c.score).toBeCloseTo(expected.get(c.label)!, 12);
    expect(labels(ranked)).toEqual([3, 1, 2, 0]);
  });

  it("'fused' with scale minmax takes the convex combination of both scores rescaled to 0..1 over the candidates", () => {
    const ranked = rankCandidates(candidates, { mode: 'fused', sentence: 0, lexical: 0.5, scale: 'minmax' });
    // dense .8 .6 .5 .7 → 1, 1/3, 0, 2/3; lexical 0 2 10 1 → 0, .2, 1, .1
    const expected = new Map([
      [0, 0.5],
      [1, 0.5 / 3 + 0.1],
      [2, 0.5],
      [3, 1 / 3 + 0.05],
    ]);
    for (const c of ranked) expect(c.score).toBeCloseTo(expected.get(c.label)!, 12);
    expect(labels(ranked)).toEqual([0, 2, 3, 1]);
  });

  it("'fused' with scale zscore standardizes both scores over the candidates", () => {
    const ranked = rankCandidates(candidates, { mode: 'fused', sentence: 0, lexical: 0.5, scale: 'zscore' });
    const z = (values: number[]) => {
      const mean = values.reduce((s, x) => s + x, 0) / values.length;
      const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / values.length);
      return values.map((x) => (x - mean) / sd);
    };
    const dense = z(candidates.map((c) => c.dense));
    const lexical = z(candidates.map((c) => c.lexical));
    for (const c of ranked) expect(c.score).toBeCloseTo(0.5 * dense[c.label]! + 0.5 * lexical[c.label]!, 12);
    // Scores are relative to the question's candidates: one candidate alone scores 0 on each.
    expect(rankCandidates([candidates[0]!], { mode: 'fused', sentence: 0, lexical: 0.5, scale: 'zscore' })[0]!.score).toBe(0);
  });

  it('breaks score ties by label in the weighted modes', () => {
    const tied: CandidateEvidence[] = [5, 2, 9, 1].map((label) => ({ label, dense: 0.5, sentence: 0.5, lexical: 3 }));
    for (const mode of ['dense', 'bm25', 'fused'] as const) {
      expect(labels(rankCandidates(tied, weights(mode))), mode).toEqual([1, 2, 5, 9]);
    }
  });

  it("'rrf' breaks ties in evidence by label too, whatever the input order", () => {
    const tied: CandidateEvidence[] = [5, 2, 9, 1].map((label) => ({ label, dense: 0.5, sentence: 0.5, lexical: 0 }));
    expect(labels(rankCandidates(tied, weights('rrf')))).toEqual([1, 2, 5, 9]);
  });

  it('is pure: the same evidence in any input order gives the same ranking', () => {
    const shuffled = [candidates[2]!, candidates[0]!, candidates[3]!, candidates[1]!];
    for (const mode of ['dense', 'bm25', 'fused', 'rrf'] as const) {
      expect(rankCandidates(shuffled, weights(mode)), mode).toEqual(rankCandidates(candidates, weights(mode)));
    }
    expect(rankCandidates([], weights('rrf'))).toEqual([]);
  });

  it('keeps the evidence on each ranked candidate and does not modify the input', () => {
    const copy = structuredClone(candidates);
    const ranked = rankCandidates(candidates, weights('fused'));
    expect(candidates).toEqual(copy);
    for (const c of ranked) expect(c).toMatchObject(candidates.find((x) => x.label === c.label)!);
  });
});
