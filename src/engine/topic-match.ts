import { terms } from '../text/terms.js';
import type { ExcerptSentence, QuestionTerms } from './excerpt.js';
import { rankCandidates, type CandidateEvidence, type RankingWeights } from './rank.js';

/**
 * A topic watch's score for a paper at or above this is a match. Calibrated on hand-labelled real
 * days (tests/eval/watch-labels.jsonl, the `tune` days): `npm run eval -- --set watch`.
 */
export const TOPIC_THRESHOLD = 0.77;

/** What is known of a paper when a topic is matched against it. */
export interface TopicEvidence {
  /** Cosine of the topic and the paper (title + abstract). */
  dense: number;
  /** Best cosine of the topic and one abstract sentence. */
  sentence: number;
  /** Share of the topic's term weight (IDF) that the paper's title and abstract contain, 0…1. */
  coverage: number;
}

/** A paper that a topic matched, with the evidence and the abstract sentence that matched, marked. */
export interface TopicMatch {
  paperId: string;
  strength: number;
  evidence: TopicEvidence;
  excerpt: ExcerptSentence[];
}

/** The share of the topic's term weight that occurs in `text`. */
export function termCoverage(topic: QuestionTerms, text: string): number {
  const own = new Set(terms(text));
  let total = 0;
  let shared = 0;
  for (const [term, weight] of topic) {
    total += weight;
    if (own.has(term)) shared += weight;
  }
  return total ? shared / total : 0;
}

/**
 * /ask's fused score of one paper for a topic. /ask scales the lexical score to the best candidate's;
 * a watch has no candidate pool (one paper arrives at a time), so the scale is pinned to full coverage
 * by a reference candidate: the score then means the same on every day, and one threshold holds.
 */
export function matchStrength(evidence: TopicEvidence, weights: RankingWeights): number {
  const paper: CandidateEvidence = { label: 0, dense: evidence.dense, sentence: evidence.sentence, lexical: evidence.coverage };
  const reference: CandidateEvidence = { label: 1, dense: 0, sentence: 0, lexical: 1 };
  return rankCandidates([paper, reference], weights).find((c) => c.label === 0)!.score;
}

/** Whether a topic matches a paper: by its fused score, against the calibrated threshold. */
export function isTopicMatch(strength: number, threshold = TOPIC_THRESHOLD): boolean {
  return strength >= threshold;
}
