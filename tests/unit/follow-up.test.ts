import { describe, expect, it } from 'vitest';
import { FOLLOW_UP_WEIGHT, foldTurns, keptTurns, MAX_TURNS, type TurnQuery } from '../../src/engine/follow-up.js';
import { dot } from '../../src/search/vectors.js';

const turn = (vector: number[], terms: [string, number][]): TurnQuery => ({
  vector: Float32Array.from(vector),
  terms: new Map(terms),
});

describe('foldTurns', () => {
  const first = turn([1, 0, 0], [['mlp', 2], ['vision', 1]]);
  const followUp = turn([0, 1, 0], [['language', 3], ['mlp', 1]]);

  it('returns a single question unchanged', () => {
    expect(foldTurns([first])).toBe(first);
  });

  it('leans the vector toward the follow-up, keeping the first question, at unit length', () => {
    const { vector } = foldTurns([first, followUp]);
    expect(Math.sqrt(dot(vector, vector))).toBeCloseTo(1, 6);
    expect(dot(vector, followUp.vector)).toBeGreaterThan(dot(vector, first.vector));
    expect(dot(vector, first.vector)).toBeGreaterThan(0.5);
  });

  it('mixes term weights (the BM25 query) with the follow-up weighted higher', () => {
    const w = FOLLOW_UP_WEIGHT;
    const { terms } = foldTurns([first, followUp]);
    expect(terms.get('language')).toBeCloseTo(w * 3, 9);
    expect(terms.get('vision')).toBeCloseTo((1 - w) * 1, 9);
    expect(terms.get('mlp')).toBeCloseTo((1 - w) * 2 + w * 1, 9);
  });

  it('gives the newest follow-up the most weight when there are several', () => {
    const third = turn([0, 0, 1], []);
    const { vector } = foldTurns([first, followUp, third]);
    expect(vector[2]).toBeGreaterThan(vector[1]!);
    expect(vector[1]).toBeGreaterThan(vector[0]!);
  });
});

describe('keptTurns', () => {
  it('keeps the first question and the latest follow-ups', () => {
    expect(keptTurns(['a', 'b'])).toEqual(['a', 'b']);
    const many = ['a', 'b', 'c', 'd', 'e'];
    const kept = keptTurns(many);
    expect(kept).toHaveLength(MAX_TURNS);
    expect(kept[0]).toBe('a');
    expect(kept.at(-1)).toBe('e');
  });
});
