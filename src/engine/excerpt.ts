import type { SentenceVectors } from '../index/sentence-store.js';
import { dotQuantized } from '../search/vectors.js';
import type { Span } from '../text/sentences.js';

/** A sentence of an abstract shown under a search hit (the `summary` of an AskHit). */
export interface ExcerptSentence {
  text: string;
  /** The sentence that best matches the question. */
  matched: boolean;
}

export interface SentenceMatch {
  /** Index of the best-matching sentence, -1 when the abstract has none. */
  best: number;
  bestSimilarity: number;
  similarities: number[];
}

export function matchSentences(query: Float32Array, vectors: SentenceVectors): SentenceMatch {
  const dimension = query.length;
  const similarities = vectors.spans.map((_, i) =>
    dotQuantized(query, vectors.codes.subarray(i * dimension, (i + 1) * dimension), vectors.scales[i]!),
  );
  let best = -1;
  similarities.forEach((s, i) => {
    if (best < 0 || s > similarities[best]!) best = i;
  });
  return { best, bestSimilarity: best < 0 ? 0 : similarities[best]!, similarities };
}

// A second sentence is added only when it is nearly as relevant and the excerpt stays short.
const SECOND_SENTENCE_RATIO = 0.85;
const EXCERPT_MAX_CHARS = 450;

/**
 * The one or two abstract sentences that best answer the question, in abstract order, with the
 * best one marked. Falls back to the abstract's opening when it has no sentence vectors.
 */
export function queryExcerpt(abstract: string, spans: readonly Span[], match: SentenceMatch): ExcerptSentence[] {
  const text = (i: number) => abstract.slice(spans[i]!.start, spans[i]!.end);
  if (match.best < 0) return [{ text: abstract.slice(0, EXCERPT_MAX_CHARS), matched: true }];
  const runnerUp = match.similarities
    .map((s, i) => ({ s, i }))
    .filter(({ i }) => i !== match.best)
    .sort((a, b) => b.s - a.s)[0];
  const chosen = [match.best];
  if (
    runnerUp &&
    runnerUp.s >= SECOND_SENTENCE_RATIO * match.bestSimilarity &&
    text(match.best).length + text(runnerUp.i).length <= EXCERPT_MAX_CHARS
  ) {
    chosen.push(runnerUp.i);
  }
  return chosen.sort((a, b) => a - b).map((i) => ({ text: text(i), matched: i === match.best }));
}
