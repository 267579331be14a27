import type { SentenceVectors } from '../index/sentence-store.js';
import { dotQuantized } from '../search/vectors.js';
import type { Span } from '../text/sentences.js';
import { terms } from '../text/terms.js';

/** A sentence of an abstract shown under a search hit (the `summary` of an AskHit). */
export interface ExcerptSentence {
  text: string;
  /** The sentence that best answers the question. */
  matched: boolean;
}

export interface SentenceMatch {
  /** The highest similarity of a sentence to the question (a ranking signal), 0 without sentences. */
  topSimilarity: number;
  similarities: number[];
  /**
   * Similarity to the question of what sets each sentence apart: its vector less the abstract's mean
   * sentence vector, normalized. Late-chunked vectors all carry their abstract's context; this is the
   * part that is the sentence's own. Found on first read: ranking reads only topSimilarity, and
   * only the papers shown need this.
   */
  readonly distinct: number[];
}

/** How close each sentence of an abstract is to the question, in meaning. */
export function matchSentences(query: Float32Array, vectors: SentenceVectors): SentenceMatch {
  const dimension = query.length;
  const similarities = vectors.spans.map((_, i) => dotQuantized(query, codesOf(vectors, i, dimension), vectors.scales[i]!));
  let distinct: number[] | undefined;
  return {
    topSimilarity: similarities.length ? Math.max(...similarities) : 0,
    similarities,
    get distinct() {
      return (distinct ??= distinctSimilarities(vectors, similarities, dimension));
    },
  };
}

/** The int8 codes of sentence `i`. */
function codesOf(vectors: SentenceVectors, i: number, dimension: number): Int8Array {
  return vectors.codes.subarray(i * dimension, (i + 1) * dimension);
}

/** SentenceMatch.distinct: each sentence's similarity less the mean similarity, over the norm of its vector less the mean vector. */
function distinctSimilarities(vectors: SentenceVectors, similarities: readonly number[], dimension: number): number[] {
  const count = similarities.length;
  const mean = new Float32Array(dimension);
  for (let i = 0; i < count; i++) {
    const codes = codesOf(vectors, i, dimension);
    const scale = vectors.scales[i]! / count;
    for (let d = 0; d < dimension; d++) mean[d]! += codes[d]! * scale;
  }
  // The question's dot with (sentence − mean) is the sentence's similarity less the mean similarity.
  const meanSimilarity = similarities.reduce((sum, x) => sum + x, 0) / Math.max(1, count);
  return similarities.map((similarity, i) => {
    const codes = codesOf(vectors, i, dimension);
    const scale = vectors.scales[i]!;
    let norm = 0;
    for (let d = 0; d < dimension; d++) norm += (codes[d]! * scale - mean[d]!) ** 2;
    return norm > 1e-12 ? (similarity - meanSimilarity) / Math.sqrt(norm) : 0;
  });
}

/** The question's search terms, each with its weight (IDF: rare terms count most). */
export type QuestionTerms = ReadonlyMap<string, number>;

/** What is known of one sentence when choosing the one to mark. */
export interface SentenceSignals {
  /** Similarity to the question, in meaning. */
  dense: number;
  /** Similarity to the question of the sentence's own part, apart from its abstract's (SentenceMatch.distinct). */
  distinct: number;
  /** Share of the question's term weight the sentence contains, 0…1. */
  lexical: number;
  /** 1 for a sentence that states a result or claim (and not background), else 0. */
  result: number;
  /** 1 for a sentence that sets the scene (and states no result), else 0. */
  background: number;
  /** Where the sentence stands in the abstract, 0 first … 1 last: findings come after the background. */
  position: number;
  /** Whether the sentence carries no content for any question (a code or URL line, a generic opener). */
  empty: boolean;
}

/** The signals the marked-sentence score weighs. */
export const MARK_FEATURES = ['dense', 'distinct', 'lexical', 'result', 'background', 'position'] as const;
export type MarkFeature = (typeof MARK_FEATURES)[number];
export type MarkWeights = Record<MarkFeature, number>;

/**
 * Weights of the marked-sentence score: a conditional logit (softmax over each abstract's sentences)
 * fit on SciFact train's rationale sentences, the quality tests' claims left out, with late-chunked
 * sentence vectors (`npm run eval -- --fit-mark`: L2 0.001, chosen by 5-fold cross-validation there),
 * rescaled so that the two similarities weigh 1 together. The question's words count most: late-chunked
 * vectors carry their abstract's context, so a sentence's own similarity tells sentences apart less.
 */
export const MARK_WEIGHTS: MarkWeights = {
  dense: 0.32,
  distinct: 0.68,
  lexical: 3.02,
  result: 0.53,
  background: -0.79,
  position: 0.99,
};
// Cue phrases of a sentence that reports what was found, and of one that sets the scene.
const RESULT_CUES =
  /\b(we (show|find|found|demonstrate|observe|report|conclude)|(results?|findings|data|analys[ie]s) (show|suggest|indicate|demonstrate|reveal)|found|significant(ly)?|increased?|decreased?|reduced?|improves?|improved|outperforms?|associated with|correlated with|led to|resulted in|higher|lower|greater|odds ratio|hazard ratio|p\s?[<=]|\d+(\.\d+)?\s?%)/i;
const BACKGROUND_CUES =
  /\b((is|are) (an? )?(very |increasingly )?(important|essential|crucial|critical|key)|remains? (unclear|unknown|elusive|poorly understood|to be)|has been|have been|little is known|it is (well )?known|we (aimed|sought|investigated|examined)|the (aim|objective|purpose|goal) of|to (determine|investigate|assess|evaluate|examine) (whether|the|if)|further (studies|research|trials|work|investigation))\b/i;
// Lines that point elsewhere or open generically: never the sentence that answers.
const EMPTY_LINES = [
  /https?:\/\/|www\.|github\.com/i,
  /\b(code|models?|data(sets?)?|weights|implementation)\b.{0,40}\b(is|are|will be|has been|have been) (made )?(publicly )?(available|released|open[- ]?sourced)/i,
  /\bwe (open[- ]?source|release|make (publicly )?available) (all |the |our )?(code|models?|weights|data(sets?)?|implementation|checkpoints)\b/i,
  /^(in recent years|recently|over the (past|last)|nowadays|in the (past|last) (few )?(years|decades?))\b/i,
  /\b(important|crucial|essential|interesting|relevant) for (multiple|many|several|various|a number of) reasons\b/i,
  /\bha(s|ve) (attracted|received|gained|drawn) (much|increasing|considerable|significant|growing|great) (attention|interest)\b/i,
];

/** Signals of a sentence's own text (those that do not depend on the rest of the abstract). */
function textSignals(text: string, question: QuestionTerms) {
  const own = new Set(terms(text));
  let total = 0;
  let shared = 0;
  for (const [term, weight] of question) {
    total += weight;
    if (own.has(term)) shared += weight;
  }
  const result = RESULT_CUES.test(text);
  const background = BACKGROUND_CUES.test(text);
  return {
    lexical: total ? shared / total : 0,
    result: result && !background ? 1 : 0,
    background: background && !result ? 1 : 0,
    empty: EMPTY_LINES.some((line) => line.test(text)),
  };
}

/** The signals of each sentence of an abstract (`texts`, with how they match the question). */
export function abstractSignals(texts: readonly string[], match: Pick<SentenceMatch, 'similarities' | 'distinct'>, question: QuestionTerms): SentenceSignals[] {
  const count = texts.length;
  return texts.map((text, i) => ({
    dense: match.similarities[i]!,
    distinct: match.distinct[i] ?? 0,
    position: count > 1 ? i / (count - 1) : 0,
    ...textSignals(text, question),
  }));
}

/** How well a sentence answers the question; -Infinity for one that must never be marked. */
export function markScore(s: SentenceSignals, weights: MarkWeights = MARK_WEIGHTS): number {
  if (s.empty) return -Infinity;
  return MARK_FEATURES.reduce((sum, feature) => sum + weights[feature] * s[feature], 0);
}

// A second sentence is added only when it scores nearly as well and the excerpt stays short.
const SECOND_SENTENCE_MARGIN = 0.05;
const EXCERPT_MAX_CHARS = 450;

/**
 * The one or two abstract sentences that best answer the question, in abstract order, with the
 * best one marked. Falls back to the abstract's opening, unmarked when it is a line with no content,
 * when it has no sentence vectors.
 */
export function queryExcerpt(
  abstract: string,
  spans: readonly Span[],
  match: SentenceMatch,
  question: QuestionTerms,
  weights: MarkWeights = MARK_WEIGHTS,
): ExcerptSentence[] {
  const text = (i: number) => abstract.slice(spans[i]!.start, spans[i]!.end);
  const signals = abstractSignals(match.similarities.map((_, i) => text(i)), match, question);
  const scored = signals
    .map((s, i) => ({ i, score: markScore(s, weights) }))
    .sort((a, b) => b.score - a.score || a.i - b.i);
  const best = scored[0];
  if (!best) return [{ text: abstract.slice(0, EXCERPT_MAX_CHARS), matched: true }];
  if (best.score === -Infinity) return [{ text: text(best.i), matched: false }];
  const runnerUp = scored[1];
  const chosen = [best.i];
  if (
    runnerUp &&
    runnerUp.score >= best.score - SECOND_SENTENCE_MARGIN &&
    text(best.i).length + text(runnerUp.i).length <= EXCERPT_MAX_CHARS
  ) {
    chosen.push(runnerUp.i);
  }
  return chosen.sort((a, b) => a - b).map((i) => ({ text: text(i), matched: i === best.i }));
}
