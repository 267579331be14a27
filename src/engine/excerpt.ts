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
}

/** How close each sentence of an abstract is to the question, in meaning. */
export function matchSentences(query: Float32Array, vectors: SentenceVectors): SentenceMatch {
  const dimension = query.length;
  const similarities = vectors.spans.map((_, i) =>
    dotQuantized(query, vectors.codes.subarray(i * dimension, (i + 1) * dimension), vectors.scales[i]!),
  );
  return { topSimilarity: similarities.length ? Math.max(...similarities) : 0, similarities };
}

/** The question's search terms, each with its weight (IDF: rare terms count most). */
export type QuestionTerms = ReadonlyMap<string, number>;

/** What is known of one sentence when choosing the one to mark. */
export interface SentenceSignals {
  /** Similarity to the question, in meaning. */
  dense: number;
  /** Share of the question's term weight the sentence contains, 0…1. */
  lexical: number;
  /** +1 for a sentence that states a result or claim, -1 for background, 0 otherwise. */
  role: number;
  /** Where the sentence stands in the abstract, 0 first … 1 last: findings come after the background. */
  position: number;
  /** How far the sentence is from a readable length, 0 when it is fine. */
  length: number;
  /** Whether the sentence carries no content for any question (a code or URL line, a generic opener). */
  empty: boolean;
}

/** Weights of the marked-sentence score, tuned on SciFact train (`npm run eval -- --set scifact --split train`). */
export const MARK_WEIGHTS = { dense: 1, lexical: 0.6, role: 0.2, position: 0.4, length: 0.05 };
export type MarkWeights = typeof MARK_WEIGHTS;

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

// A readable sentence: shorter ones are fragments, longer ones run-ons.
const SHORT_CHARS = 60;
const LONG_CHARS = 350;

/** The signals of sentence `index` of `count` in an abstract, for a question. */
export function sentenceSignals(text: string, dense: number, question: QuestionTerms, index = 0, count = 1): SentenceSignals {
  const own = new Set(terms(text));
  let total = 0;
  let shared = 0;
  for (const [term, weight] of question) {
    total += weight;
    if (own.has(term)) shared += weight;
  }
  const result = RESULT_CUES.test(text);
  const background = BACKGROUND_CUES.test(text);
  const chars = text.length;
  return {
    dense,
    lexical: total ? shared / total : 0,
    role: result && !background ? 1 : background && !result ? -1 : 0,
    position: count > 1 ? index / (count - 1) : 0,
    length: chars < SHORT_CHARS ? (SHORT_CHARS - chars) / SHORT_CHARS : chars > LONG_CHARS ? (chars - LONG_CHARS) / LONG_CHARS : 0,
    empty: EMPTY_LINES.some((line) => line.test(text)),
  };
}

/** How well a sentence answers the question; -Infinity for one that must never be marked. */
export function markScore(s: SentenceSignals, weights: MarkWeights = MARK_WEIGHTS): number {
  if (s.empty) return -Infinity;
  return (
    weights.dense * s.dense + weights.lexical * s.lexical + weights.role * s.role + weights.position * s.position - weights.length * s.length
  );
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
  const count = match.similarities.length;
  const scored = match.similarities
    .map((dense, i) => ({ i, score: markScore(sentenceSignals(text(i), dense, question, i, count), weights) }))
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
