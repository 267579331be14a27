import { describe, expect, it } from 'vitest';
import { FOLLOW_UP_WEIGHT, foldTerms, foldVectors, keptTurns, MAX_TURNS } from '../../src/engine/follow-up.js';
import { dot } from '../../src/search/vectors.js';

describe('foldVectors', () => {
  const first = Float32Array.from([1, 0, 0]);
  const followUp = Float32Array.from([0, 1, 0]);

  it('returns a single question unchanged', () => {
    expect(foldVectors([first])).toBe(first);
  });

  it('leans the vector toward the follow-up, keeping the first question, at unit length', () => {
    const vector = foldVectors([first, followUp]);
    expect(Math.sqrt(dot(vector, vector))).toBeCloseTo(1, 6);
    expect(dot(vector, followUp)).toBeGreaterThan(dot(vector, first));
    expect(dot(vector, first)).toBeGreaterThan(0.5);
  });

  it('gives the newest follow-up the most weight when there are several', () => {
    const vector = foldVectors([first, followUp, Float32Array.from([0, 0, 1])]);
    expect(vector[2]).toBeGreaterThan(vector[1]!);
    expect(vector[1]).toBeGreaterThan(vector[0]!);
  });
});

describe('foldTerms', () => {
  const first = new Map([
    ['mlp', 2],
    ['vision', 1],
  ]);

  it('returns a single question unchanged', () => {
    expect(foldTerms([first])).toBe(first);
  });

  it('mixes term weights (the BM25 query) with the follow-up weighted higher', () => {
    const w = FOLLOW_UP_WEIGHT;
    const terms = foldTerms([
      first,
      new Map([
        ['language', 3],
        ['mlp', 1],
      ]),
    ]);
    expect(terms.get('language')).toBeCloseTo(w * 3, 9);
    expect(terms.get('vision')).toBeCloseTo((1 - w) * 1, 9);
    expect(terms.get('mlp')).toBeCloseTo((1 - w) * 2 + w * 1, 9);
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
