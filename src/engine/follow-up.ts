import type { Bm25Index } from '../search/bm25.js';
import type { QuestionTerms } from './excerpt.js';

/**
 * Share of the newest question in a follow-up's search; the earlier questions share the rest.
 * Above one half, so the follow-up steers ("what about for language models?") while the first
 * question keeps the topic it does not repeat. Chosen before measuring (`npm run eval -- --set followups`).
 */
export const FOLLOW_UP_WEIGHT = 0.6;

/** At most this many questions are searched together: the first one and the latest follow-ups. */
export const MAX_TURNS = 3;

/** What one question contributes to a search: its meaning and its weighted terms. */
export interface TurnQuery {
  /** Unit vector of the question. */
  vector: Float32Array;
  /**
   * The question's terms with their IDF: its BM25 query (Bm25Index.top), and what marks the
   * sentence that answers. A follow-up's mix scales each term by its share.
   */
  terms: QuestionTerms;
}

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
 * Folds the questions into one search, oldest first: each follow-up takes FOLLOW_UP_WEIGHT of the
 * search and what came before keeps the rest. Vectors mix and are renormalized; term weights mix
 * the same way, so the BM25 score of the mix (a sum over terms) is the same mix of the turns'
 * scores: a term of both counts for both, and the follow-up's terms count most. One question is
 * returned as it is.
 */
export function foldTurns(turns: readonly TurnQuery[], weight = FOLLOW_UP_WEIGHT): TurnQuery {
  const [first, ...rest] = turns;
  if (!first) throw new Error('foldTurns needs at least one question');
  return rest.reduce<TurnQuery>((context, next) => {
    const vector = normalized(context.vector.map((x, i) => (1 - weight) * x + weight * next.vector[i]!));
    const terms = new Map<string, number>();
    for (const [term, w] of context.terms) terms.set(term, (1 - weight) * w);
    for (const [term, w] of next.terms) terms.set(term, (terms.get(term) ?? 0) + weight * w);
    return { vector, terms };
  }, first);
}

/** One question's part of a search, embedded and weighted against the index. */
export async function turnQuery(text: string, embed: (text: string) => Promise<Float32Array>, bm25: Bm25Index): Promise<TurnQuery> {
  return { vector: await embed(text), terms: bm25.termWeights(text) };
}
