import { describe, expect, it } from 'vitest';
import { abstractSignals, MARK_WEIGHTS, markScore, matchSentences, queryExcerpt, type SentenceMatch, type SentenceSignals } from '../../src/engine/excerpt.js';
import { terms } from '../../src/text/terms.js';
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
  it('scores every sentence against the question, keeping the top similarity for ranking', () => {
    const match = matchSentences(Float32Array.from([1, 0, 0]), vectorsOf([[0, 1, 0], [0.6, 0.8, 0], [1, 0, 0]]));
    expect(match.topSimilarity).toBeCloseTo(1, 2);
    expect(match.similarities).toHaveLength(3);
    expect(match.similarities[0]).toBeCloseTo(0, 2);
    expect(match.similarities[1]).toBeCloseTo(0.6, 2);
  });

  it("scores what sets each sentence apart from the abstract's mean sentence", () => {
    // Both sentences lean towards the question by their shared context; only the second's own part does.
    const match = matchSentences(Float32Array.from([1, 0, 0]), vectorsOf([[0.6, 0.8, 0], [0.8, 0, 0.6]]));
    expect(match.similarities[0]).toBeCloseTo(0.6, 2);
    expect(match.distinct[0]).toBeCloseTo(-0.1 / Math.sqrt(0.01 + 0.16 + 0.09), 2);
    expect(match.distinct[1]).toBeCloseTo(0.1 / Math.sqrt(0.01 + 0.16 + 0.09), 2);
    expect(matchSentences(Float32Array.from([1, 0]), vectorsOf([[1, 0]])).distinct).toEqual([0]);
  });

  it('reports similarity 0 for an abstract without sentence vectors', () => {
    expect(matchSentences(Float32Array.from([1, 0]), { spans: [], scales: new Float32Array(), codes: new Int8Array() })).toEqual({
      topSimilarity: 0,
      similarities: [],
      distinct: [],
    });
  });
});

/** Question terms weighted as BM25 would: each term its IDF, from a made-up table (1 when absent). */
const questionOf = (text: string, idf: Record<string, number> = {}) => new Map(terms(text).map((t) => [t, idf[t] ?? 1]));
const noTerms = new Map<string, number>();

/** The signals of one sentence standing alone, as index `index` of `count` similar sentences. */
const signalsOf = (text: string, question: Map<string, number> = new Map(), index = 0, count = 1) =>
  abstractSignals(Array.from({ length: count }, () => text), { similarities: new Array<number>(count).fill(0.5), distinct: new Array<number>(count).fill(0) }, question)[index]!;

describe('abstractSignals', () => {
  it('measures the share of the question term weight a sentence holds, rare terms counting most', () => {
    const question = questionOf('MLP scaling on CIFAR', { mlp: 1, scale: 1, cifar: 6 });
    expect(signalsOf('MLPs trained on CIFAR10 at scale.', question).lexical).toBeCloseTo(1);
    expect(signalsOf('Results on CIFAR-10.', question).lexical).toBeCloseTo(6 / 8);
    expect(signalsOf('Scaling MLPs.', question).lexical).toBeCloseTo(2 / 8);
    expect(signalsOf('Nothing shared.', question).lexical).toBe(0);
    expect(signalsOf('Anything.', noTerms).lexical).toBe(0);
  });

  it('tells results from background by their cue phrases', () => {
    const role = (text: string) => {
      const s = signalsOf(text);
      return s.result - s.background;
    };
    expect(role('We show that the performance of MLPs drastically improves with scale.')).toBe(1);
    expect(role('Treatment was associated with a significantly lower risk of death (p < 0.01).')).toBe(1);
    expect(role('Vitamin D levels increased by 20% in the treated group.')).toBe(1);
    expect(role('Empirical insights into MLPs are important for understanding deep learning.')).toBe(-1);
    expect(role('The mechanism of this effect remains unclear.')).toBe(-1);
    expect(role('Obesity has been linked to many diseases.')).toBe(-1);
    expect(role('Patients were enrolled in three centres.')).toBe(0);
  });

  it('places the sentence in its abstract, 0 first and 1 last', () => {
    expect(signalsOf('x', noTerms, 0, 5).position).toBe(0);
    expect(signalsOf('x', noTerms, 2, 5).position).toBe(0.5);
    expect(signalsOf('x', noTerms, 4, 5).position).toBe(1);
    expect(signalsOf('x', noTerms, 0, 1).position).toBe(0);
  });

  it('carries each sentence its own similarities', () => {
    const signals = abstractSignals(['a', 'b'], { similarities: [0.1, 0.7], distinct: [-0.3, 0.3] }, noTerms);
    expect(signals.map((s) => [s.dense, s.distinct])).toEqual([
      [0.1, -0.3],
      [0.7, 0.3],
    ]);
  });

  it('flags code and URL lines, and generic openers, as empty', () => {
    const empty = (text: string) => signalsOf(text).empty;
    expect(empty('We open-source the code: https://github.com/x/y.')).toBe(true);
    expect(empty('Code is available at our project page.')).toBe(true);
    expect(empty('Our code and models are publicly available.')).toBe(true);
    expect(empty('We release the weights to the community.')).toBe(true);
    expect(empty('Empirical insights into MLPs are important for multiple reasons.')).toBe(true);
    expect(empty('In recent years, transformers have taken over vision.')).toBe(true);
    expect(empty('Diffusion models have attracted much attention.')).toBe(true);
    expect(empty('We show that MLPs improve with scale.')).toBe(false);
    expect(empty('We release Llama 2, a collection of pretrained and fine-tuned language models.')).toBe(false);
    expect(empty('The available evidence is weak.')).toBe(false);
  });
});

describe('markScore', () => {
  const signals: SentenceSignals = { dense: 0.5, distinct: 0, lexical: 0.5, result: 0, background: 0, position: 0.5, empty: false };

  it('rises with each signal of an answer and falls for background', () => {
    const base = markScore(signals);
    expect(markScore({ ...signals, dense: 0.6 })).toBeGreaterThan(base);
    expect(markScore({ ...signals, distinct: 0.2 })).toBeGreaterThan(base);
    expect(markScore({ ...signals, lexical: 0.8 })).toBeGreaterThan(base);
    expect(markScore({ ...signals, result: 1 })).toBeGreaterThan(base);
    expect(markScore({ ...signals, background: 1 })).toBeLessThan(base);
    expect(markScore({ ...signals, position: 1 })).toBeGreaterThan(base);
  });

  it('is a weighted sum with the named weights', () => {
    const weights = { dense: 2, distinct: 13, lexical: 3, result: 5, background: -7, position: 11 };
    expect(markScore({ dense: 1, distinct: 1, lexical: 1, result: 1, background: 1, position: 1, empty: false }, weights)).toBe(2 + 13 + 3 + 5 - 7 + 11);
  });

  it('never lets an empty sentence win', () => {
    expect(markScore({ ...signals, dense: 1, lexical: 1, result: 1, empty: true })).toBe(-Infinity);
  });

  it('weighs the similarities 1 together, as the fit is scaled', () => {
    expect(MARK_WEIGHTS.dense + MARK_WEIGHTS.distinct).toBeCloseTo(1);
  });
});

describe('queryExcerpt', () => {
  const { abstract, spans } = spansOf(['First sentence.', 'Second sentence.', 'Third sentence.']);
  const match = (similarities: number[]): SentenceMatch => ({ topSimilarity: Math.max(0, ...similarities), similarities, distinct: similarities.map(() => 0) });
  // The mechanics of the excerpt, apart from the weights: only the similarity counts.
  const denseOnly = { dense: 1, distinct: 0, lexical: 0, result: 0, background: 0, position: 0 };

  it('gives the best sentence alone when no other comes close', () => {
    expect(queryExcerpt(abstract, spans, match([0.2, 0.9, 0.5]), noTerms, denseOnly)).toEqual([{ text: 'Second sentence.', matched: true }]);
  });

  it('adds the runner-up within 0.05 of the best, in abstract order, with the best marked', () => {
    expect(queryExcerpt(abstract, spans, match([0.96, 0.1, 1]), noTerms, denseOnly)).toEqual([
      { text: 'First sentence.', matched: false },
      { text: 'Third sentence.', matched: true },
    ]);
    expect(queryExcerpt(abstract, spans, match([0.9, 0.1, 1]), noTerms, denseOnly)).toEqual([{ text: 'Third sentence.', matched: true }]);
  });

  it('adds only the closest runner-up', () => {
    expect(queryExcerpt(abstract, spans, match([1, 0.98, 0.97]), noTerms, denseOnly)).toEqual([
      { text: 'First sentence.', matched: true },
      { text: 'Second sentence.', matched: false },
    ]);
  });

  it('keeps the first of equally good sentences marked', () => {
    expect(queryExcerpt(abstract, spans, match([0.5, 0, 0.5]), noTerms, denseOnly).find((s) => s.matched)?.text).toBe('First sentence.');
  });

  it('leaves the runner-up out when the two would pass 450 characters', () => {
    const long = spansOf(['a'.repeat(300), 'b'.repeat(150), 'c'.repeat(151)]);
    expect(queryExcerpt(long.abstract, long.spans, match([1, 0.99, 0]), noTerms, denseOnly)).toHaveLength(2);
    expect(queryExcerpt(long.abstract, long.spans, match([1, 0, 0.99]), noTerms, denseOnly)).toEqual([{ text: 'a'.repeat(300), matched: true }]);
  });

  it("falls back to the abstract's first 450 characters when it has no sentence vectors", () => {
    const text = 'x'.repeat(500);
    expect(queryExcerpt(text, [], match([]), noTerms, denseOnly)).toEqual([{ text: 'x'.repeat(450), matched: true }]);
  });

  it('marks the sentence that states a result over closer background, generic and code lines', () => {
    const mlp = spansOf([
      'Empirical insights into MLPs are important for multiple reasons.',
      'Multi-layer perceptrons (MLPs) have been the workhorse of deep learning for decades.',
      'We show that the performance of MLPs drastically improves with scale (95% on CIFAR10).',
      'We open-source the code: https://github.com/x/scaling-mlps.',
    ]);
    const question = questionOf('how do MLPs scale on vision tasks?');
    const marked = queryExcerpt(mlp.abstract, mlp.spans, match([0.9, 0.75, 0.62, 0.8]), question).filter((s) => s.matched);
    expect(marked.map((s) => s.text)).toEqual([mlp.abstract.slice(mlp.spans[2]!.start, mlp.spans[2]!.end)]);
  });

  it('marks nothing when every sentence is empty of content', () => {
    const links = spansOf(['Code is available at https://example.org/code.', 'See https://example.org/data for the data.']);
    expect(queryExcerpt(links.abstract, links.spans, match([0.9, 0.8]), noTerms, denseOnly).some((s) => s.matched)).toBe(false);
  });
});
