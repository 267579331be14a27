import type { RelevanceFit } from '../embedding/models.js';

/** What a result's shown relevance is estimated from: evidence on an absolute scale, the same for every question. */
export interface RelevanceEvidence {
  /** Cosine of question and paper. */
  dense: number;
  /** Best cosine of question and one abstract sentence. */
  sentence: number;
  /** BM25 score over the most the question's terms can score (Bm25Index.maxScore), 0..1. */
  coverage: number;
}

/**
 * The estimated chance that a result is relevant to the question, 0..1: a logistic fit of the
 * evidence against judged eval questions (`npm run eval -- --calibrate`). It never reaches 1.
 */
export function relevance(evidence: RelevanceEvidence, fit: RelevanceFit): number {
  const z = fit.bias + fit.dense * evidence.dense + fit.sentence * evidence.sentence + fit.coverage * evidence.coverage;
  return 1 / (1 + Math.exp(-z));
}
