import { describe, expect, it } from 'vitest';
import { knownItemScores } from '../../src/eval/hf-run.js';
import { mean, ndcgAt, recallAt, reciprocalRankAt } from '../../src/eval/ranking-metrics.js';

describe('ranking metrics (binary relevance)', () => {
  const relevant = new Set(['a', 'b']);

  it('nDCG@k is 1 for an ideal ranking and discounts later hits by log2(rank + 1)', () => {
    expect(ndcgAt(10, ['a', 'b', 'x'], relevant)).toBeCloseTo(1, 10);
    // Hits at ranks 2 and 3: (1/log2 3 + 1/log2 4) / (1 + 1/log2 3).
    const expected = (1 / Math.log2(3) + 1 / 2) / (1 + 1 / Math.log2(3));
    expect(ndcgAt(10, ['x', 'a', 'b'], relevant)).toBeCloseTo(expected, 10);
    expect(ndcgAt(10, ['x', 'y'], relevant)).toBe(0);
  });

  it('nDCG@k ignores hits below the cutoff and caps the ideal at k', () => {
    expect(ndcgAt(1, ['x', 'a'], relevant)).toBe(0);
    expect(ndcgAt(1, ['a', 'x'], relevant)).toBe(1);
  });

  it('recall@k is the share of relevant ids in the top k, each counted once', () => {
    expect(recallAt(10, ['a', 'x', 'a'], relevant)).toBe(0.5);
    expect(recallAt(2, ['x', 'a', 'b'], relevant)).toBe(0.5);
    expect(recallAt(10, ['b', 'a'], relevant)).toBe(1);
  });

  it('the reciprocal rank counts the first relevant id within the cutoff', () => {
    expect(reciprocalRankAt(10, ['x', 'y', 'b'], relevant)).toBeCloseTo(1 / 3, 10);
    expect(reciprocalRankAt(2, ['x', 'y', 'b'], relevant)).toBe(0);
  });

  it('known-item scores come from 1-based ranks, Infinity for a miss', () => {
    expect(knownItemScores([1, 2, 11, Infinity])).toEqual({ hitAt1: 0.25, hitAt5: 0.5, hitAt10: 0.5, mrrAt10: (1 + 0.5) / 4 });
    expect(knownItemScores([6, 10]).hitAt5).toBe(0);
    expect(mean([])).toBe(0);
  });
});
