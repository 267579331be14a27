import { describe, expect, it } from 'vitest';
import { askJson } from '../../src/cli/render/json.js';
import type { AskHit, AskResult } from '../../src/engine/results.js';

function hit(overrides: Partial<AskHit> = {}): AskHit {
  return {
    id: '2306.13575',
    title: 'Scaling MLPs: A Tale of Inductive Bias',
    url: 'https://arxiv.org/abs/2306.13575',
    links: { primary: 'https://arxiv.org/abs/2306.13575', arxiv: 'https://arxiv.org/abs/2306.13575' },
    authors: ['Gregor Bachmann'],
    date: '2023-06-23',
    upvotes: 7,
    rank: 1,
    score: 0.90249,
    summary: [
      { text: 'Empirical insights into MLPs are important.', matched: false },
      { text: 'We show that MLPs improve with scale.', matched: true },
    ],
    ...overrides,
  };
}

function result(results: AskHit[]): AskResult {
  return {
    query: 'how do MLPs scale?',
    truncated: false,
    tookMs: 7.9,
    timings: { embedMs: 5, lexicalMs: 1.5, searchMs: 2, summaryMs: 0.9 },
    confidence: 0.61,
    lowConfidence: false,
    searched: 64,
    offset: 0,
    hasMore: true,
    results,
  };
}

describe('askJson: the public --json schema of ask', () => {
  it('has exactly the documented fields, in the documented order', () => {
    const json = askJson(result([hit()]));
    expect(Object.keys(json)).toEqual(['query', 'tookMs', 'lowConfidence', 'results']);
    expect(Object.keys(json.results[0]!)).toEqual(['rank', 'id', 'title', 'url', 'score', 'summary', 'matched']);
  });

  it('carries the values through, the summary as plain text and the matched sentence apart', () => {
    expect(askJson(result([hit()]))).toEqual({
      query: 'how do MLPs scale?',
      tookMs: 7.9,
      lowConfidence: false,
      results: [
        {
          rank: 1,
          id: '2306.13575',
          title: 'Scaling MLPs: A Tale of Inductive Bias',
          url: 'https://arxiv.org/abs/2306.13575',
          score: 0.902,
          summary: 'Empirical insights into MLPs are important. We show that MLPs improve with scale.',
          matched: 'We show that MLPs improve with scale.',
        },
      ],
    });
  });

  it('rounds the score to three decimals', () => {
    expect(askJson(result([hit({ score: 0.12351 })])).results[0]!.score).toBe(0.124);
    expect(askJson(result([hit({ score: 1 })])).results[0]!.score).toBe(1);
  });

  it('gives an empty matched sentence when no sentence is marked', () => {
    const json = askJson(result([hit({ summary: [{ text: 'Only sentence.', matched: false }] })]));
    expect(json.results[0]).toMatchObject({ summary: 'Only sentence.', matched: '' });
  });

  it('keeps the order and the ranks of the results, and an empty list stays a list', () => {
    const json = askJson(result([hit({ rank: 1, id: 'a' }), hit({ rank: 2, id: 'b' })]));
    expect(json.results.map((r) => [r.rank, r.id])).toEqual([[1, 'a'], [2, 'b']]);
    expect(askJson(result([])).results).toEqual([]);
  });

  it('is the same after a JSON round trip (nothing that JSON would drop or change)', () => {
    const json = askJson(result([hit()]));
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('adds the answer after the results, with exactly text, rank and id per sentence', () => {
    const sentences = [{ text: 'We show that MLPs improve with scale.', rank: 1, id: '2306.13575' }];
    const json = askJson({ ...result([hit()]), answer: { sentences } });
    expect(Object.keys(json)).toEqual(['query', 'tookMs', 'lowConfidence', 'results', 'answer']);
    expect(json.answer).toEqual({ sentences });
    expect(Object.keys(json.answer!.sentences[0]!)).toEqual(['text', 'rank', 'id']);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('has no answer field when none was composed', () => {
    expect('answer' in askJson(result([hit()]))).toBe(false);
  });

  it('adds generatedAnswer, text and citations only, when the model wrote one that passed', () => {
    const generated = { text: 'MLPs improve with scale [1].', citations: [{ rank: 1, id: '2306.13575' }] };
    const json = askJson(result([hit()]), generated);
    expect(Object.keys(json)).toEqual(['query', 'tookMs', 'lowConfidence', 'results', 'generatedAnswer']);
    expect(json.generatedAnswer).toEqual(generated);
    expect(askJson(result([hit()]), undefined)).not.toHaveProperty('generatedAnswer');
  });
});
