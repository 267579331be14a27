import type { QuestionTerms } from './excerpt.js';

/**
 * Share of the newest question in a follow-up's search; the earlier questions share the rest.
 * Above one half, so the follow-up steers ("what about for language models?") while the first
 * question keeps the topic it does not repeat. Chosen before measuring (`npm run eval -- --set followups`).
 */
export const FOLLOW_UP_WEIGHT = 0.6;

/** At most this many questions are searched together: the first one and the latest follow-ups. */
export const MAX_TURNS = 3;

/** The questions searched together: the first one and the latest follow-ups, the newest last. */
export function keptTurns(turns: readonly string[]): string[] {
  if (turns.length <= MAX_TURNS) return [...turns];
  return [turns[0]!, ...turns.slice(turns.length - (MAX_TURNS - 1))];
}

function normalized(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  return vector.map((x) => x / norm);
}

/**
 * Folds the questions' vectors into one, oldest first: each follow-up takes FOLLOW_UP_WEIGHT of the
 * search and what came before keeps the rest, renormalized. One question's vector is returned as it is.
 */
export function foldVectors(vectors: readonly Float32Array[], weight = FOLLOW_UP_WEIGHT): Float32Array {
  const [first, ...rest] = vectors;
  if (!first) throw new Error('foldVectors needs at least one question');
  return rest.reduce((context, next) => normalized(context.map((x, i) => (1 - weight) * x + weight * next[i]!)), first);
}

/**
 * Folds the questions' weighted terms (term → IDF) the same way as their vectors. The BM25 score
 * of the mix (a sum over terms) is then the same mix of the questions' scores: a term of both
 * counts for both, and the follow-up's terms count most. One question's terms are returned as they are.
 */
export function foldTerms(turns: readonly QuestionTerms[], weight = FOLLOW_UP_WEIGHT): QuestionTerms {
  const [first, ...rest] = turns;
  if (!first) throw new Error('foldTerms needs at least one question');
  return rest.reduce((context, next) => {
    const terms = new Map<string, number>();
    for (const [term, w] of context) terms.set(term, (1 - weight) * w);
    for (const [term, w] of next) terms.set(term, (terms.get(term) ?? 0) + weight * w);
    return terms;
  }, first);
}
