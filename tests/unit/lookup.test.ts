import { describe, expect, it } from 'vitest';
import { bestTitleMatch, diceSimilarity, MAX_SUGGESTIONS, suggestTitles } from '../../src/engine/lookup.js';
import type { TitleEntry } from '../../src/index/snapshot.js';
import { normalizeTitle } from '../../src/papers/paper.js';

function entries(titles: string[]): TitleEntry[] {
  return titles.map((title, label) => ({ label, title, normalized: normalizeTitle(title) }));
}

const catalog = entries([
  'Learning Transferable Visual Models',
  'Scaling MLPs: A Tale of Inductive Bias',
  'Efficient Scaling of Language Models',
  'Rescaling Attention for Long Contexts',
  'Scaling Laws for Neural Language Models',
  'Fact Recall, Heuristics or Pure Guesswork?',
]);

function titles(found: TitleEntry[]): string[] {
  return found.map((e) => e.title);
}

describe('suggestTitles', () => {
  it('lists title prefixes first, then word prefixes, then substrings', () => {
    expect(titles(suggestTitles(catalog, 'scaling'))).toEqual([
      'Scaling MLPs: A Tale of Inductive Bias',
      'Scaling Laws for Neural Language Models',
      'Efficient Scaling of Language Models',
      'Rescaling Attention for Long Contexts',
    ]);
  });

  it('matches every typed word as a word prefix, in any order', () => {
    expect(titles(suggestTitles(catalog, 'lang scal'))).toEqual([
      'Efficient Scaling of Language Models',
      'Scaling Laws for Neural Language Models',
    ]);
  });

  it('ignores case, punctuation and accents in what is typed', () => {
    expect(titles(suggestTitles(catalog, '  FACT récall,'))).toEqual(['Fact Recall, Heuristics or Pure Guesswork?']);
  });

  it('returns nothing for text in no title', () => {
    expect(suggestTitles(catalog, 'quantum chromodynamics')).toEqual([]);
  });

  it('returns the first titles when nothing useful is typed', () => {
    expect(suggestTitles(catalog, '')).toEqual(catalog.slice(0, MAX_SUGGESTIONS));
    expect(suggestTitles(catalog, ' ?! ', 2)).toEqual(catalog.slice(0, 2));
  });

  it('returns at most 25 suggestions by default, and honours a smaller limit', () => {
    const many = entries(Array.from({ length: 60 }, (_, i) => `Scaling study number ${i}`));
    expect(MAX_SUGGESTIONS).toBe(25);
    expect(suggestTitles(many, 'scal')).toHaveLength(25);
    expect(suggestTitles(many, 'study')).toHaveLength(25);
    expect(suggestTitles(many, '')).toHaveLength(25);
    expect(suggestTitles(many, 'scal', 5).map((e) => e.label)).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps prefix matches ahead of other tiers even when the limit cuts the list', () => {
    const mixed = entries(['Deep nets study', 'Nets for all', 'Other nets', 'Nets again', 'Magnets']);
    expect(titles(suggestTitles(mixed, 'nets', 2))).toEqual(['Nets for all', 'Nets again']);
  });
});

describe('diceSimilarity', () => {
  it('is 1 for equal strings and 0 for strings sharing no bigram', () => {
    expect(diceSimilarity('scaling', 'scaling')).toBe(1);
    expect(diceSimilarity('abc', 'xyz')).toBe(0);
    expect(diceSimilarity('a', 'b')).toBe(0);
    expect(diceSimilarity('', '')).toBe(1);
  });

  it('counts shared bigrams: night/nacht share only "ht"', () => {
    expect(diceSimilarity('night', 'nacht')).toBeCloseTo(0.25, 10);
  });

  it('is symmetric and tolerant of a typo', () => {
    expect(diceSimilarity('transformer', 'transfromer')).toBe(diceSimilarity('transfromer', 'transformer'));
    expect(diceSimilarity('transformer', 'transfromer')).toBeGreaterThan(0.6);
  });
});

describe('bestTitleMatch', () => {
  it('finds the exact title, however it is punctuated or cased', () => {
    expect(bestTitleMatch(catalog, 'scaling mlps -- a tale of inductive bias')?.label).toBe(1);
  });

  it('forgives typos', () => {
    expect(bestTitleMatch(catalog, 'Scalng MLP: a tail of inductve bias')?.label).toBe(1);
    expect(bestTitleMatch(catalog, 'scaling laws for nueral langauge models')?.label).toBe(4);
  });

  it('matches a typed prefix of a long title', () => {
    expect(bestTitleMatch(catalog, 'Learning Transferable Visu')?.label).toBe(0);
  });

  it('returns undefined for unrelated or empty text', () => {
    expect(bestTitleMatch(catalog, 'a recipe for sourdough bread')).toBeUndefined();
    expect(bestTitleMatch(catalog, '???')).toBeUndefined();
    expect(bestTitleMatch([], 'scaling')).toBeUndefined();
  });
});
