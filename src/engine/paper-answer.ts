import type { SentenceVectors } from '../index/sentence-store.js';
import { matchSentences, queryExcerpt, type QuestionTerms } from './excerpt.js';
import type { InPaperAnswer } from './results.js';

/** The sentences of one abstract that answer a question, chosen and marked as under a search hit. */
export function answerInPaper(
  abstract: string,
  sentences: SentenceVectors,
  question: Float32Array,
  terms: QuestionTerms,
  text: string,
  truncated: boolean,
): InPaperAnswer {
  return { question: text, truncated, sentences: queryExcerpt(abstract, sentences.spans, matchSentences(question, sentences), terms) };
}
