import { describe, expect, it } from 'vitest';
import { matchSentences, queryExcerpt, type SentenceMatch } from '../../src/engine/excerpt.js';
import type { SentenceVectors } from '../../src/index/sentence-store.js';
import { quantize } from '../../src/search/vectors.js';
import type { Span } from '../../src/text/sentences.js';

/** Sentence vectors as the store holds them: quantized rows, one per span. */
function vectorsOf(rows: number[][], spans: Span[] = rows.map((_, i) => ({ start: i, end: i + 1 }))): SentenceVectors {
  const quantized = rows.map((row) => quantize(Float32Array.from(row)));
  const codes = new Int8Array(rows.length * (rows[0]?.length ?? 0));
  quantized.forEach((q, i) => codes.set(q.codes, i * q.codes.length));
  return { spans, scales: Float32Array.from(quantized.map((q) => q.scale)), codes };
}

/** Spans of the sentences of `text`, split after each '. '. */
function spansOf(sentences: string[]): { abstract: string; spans: Span[] } {
  const spans: Span[] = [];
  let at = 0;
  for (const s of sentences) {
    spans.push({ start: at, end: at + s.length });
    at += s.length + 1;
  }
  return { abstract: sentences.join(' '), spans };
}

describe('matchSentences', () => {
  it('scores every sentence against the question and picks the best', () => {
    const match = matchSentences(Float32Array.from([1, 0, 0]), vectorsOf([[0, 1, 0], [0.6, 0.8, 0], [1, 0, 0]]));
    expect(match.best).toBe(2);
    expect(match.bestSimilarity).toBeCloseTo(1, 2);
    expect(match.similarities).toHaveLength(3);
    expect(match.similarities[0]).toBeCloseTo(0, 2);
    expect(match.similarities[1]).toBeCloseTo(0.6, 2);
  });

  it('keeps the first of equally good sentences', () => {
    expect(matchSentences(Float32Array.from([1, 0]), vectorsOf([[1, 0], [1, 0]])).best).toBe(0);
  });

  it('reports no best sentence for an abstract without sentence vectors', () => {
    expect(matchSentences(Float32Array.from([1, 0]), { spans: [], scales: new Float32Array(), codes: new Int8Array() })).toEqual({
      best: -1,
      bestSimilarity: 0,
      similarities: [],
    });
  });
});

describe('queryExcerpt', () => {
  const { abstract, spans } = spansOf(['First sentence.', 'Second sentence.', 'Third sentence.']);
  const match = (best: number, similarities: number[]): SentenceMatch => ({ best, bestSimilarity: similarities[best] ?? 0, similarities });

  it('gives the best sentence alone when no other comes close', () => {
    expect(queryExcerpt(abstract, spans, match(1, [0.2, 0.9, 0.5]))).toEqual([{ text: 'Second sentence.', matched: true }]);
  });

  it('adds the runner-up at 85% of the best or more, in abstract order, with the best marked', () => {
    expect(queryExcerpt(abstract, spans, match(2, [0.85, 0.1, 1]))).toEqual([
      { text: 'First sentence.', matched: false },
      { text: 'Third sentence.', matched: true },
    ]);
    expect(queryExcerpt(abstract, spans, match(2, [0.84, 0.1, 1]))).toEqual([{ text: 'Third sentence.', matched: true }]);
  });

  it('adds only the closest runner-up', () => {
    expect(queryExcerpt(abstract, spans, match(0, [1, 0.95, 0.9]))).toEqual([
      { text: 'First sentence.', matched: true },
      { text: 'Second sentence.', matched: false },
    ]);
  });

  it('leaves the runner-up out when the two would pass 450 characters', () => {
    const long = spansOf(['a'.repeat(300), 'b'.repeat(150), 'c'.repeat(151)]);
    expect(queryExcerpt(long.abstract, long.spans, match(0, [1, 0.9, 0]))).toHaveLength(2);
    expect(queryExcerpt(long.abstract, long.spans, match(0, [1, 0, 0.9]))).toEqual([{ text: 'a'.repeat(300), matched: true }]);
  });

  it("falls back to the abstract's first 450 characters when it has no sentence vectors", () => {
    const text = 'x'.repeat(500);
    expect(queryExcerpt(text, [], match(-1, []))).toEqual([{ text: 'x'.repeat(450), matched: true }]);
  });
});
