import { dot } from '../search/vectors.js';

// Sentences that state the contribution make the best one-line summary of a paper.
const CONTRIBUTION = /\b(we|this (paper|work|study)|our (work|paper))\s+(\w+\s+){0,2}(propose|present|introduce|develop|design|show|find|demonstrate|build|release|study|revisit|investigate)s?\b/i;
const CONTRIBUTION_BONUS = 0.08;

/**
 * Picks the sentence that best stands for the whole abstract: the one closest to the paper's own
 * vector, with a preference for sentences that state the contribution.
 */
export function pickTldrSentence(sentences: readonly string[], sentenceVectors: readonly Float32Array[], paperVector: Float32Array): number {
  let best = 0;
  let bestScore = -Infinity;
  sentences.forEach((sentence, i) => {
    const score = dot(sentenceVectors[i]!, paperVector) + (CONTRIBUTION.test(sentence) ? CONTRIBUTION_BONUS : 0);
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  });
  return best;
}
