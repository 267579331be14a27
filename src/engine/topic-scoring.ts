import type { IndexSnapshot } from '../index/snapshot.js';
import { dot } from '../search/vectors.js';
import { matchSentences, queryExcerpt } from './excerpt.js';
import type { RankingWeights } from './rank.js';
import { matchStrength, termCoverage, type TopicMatch } from './topic-match.js';

/** One topic's score against each of the given papers, with each paper's sentence that matched it, marked. */
export function scoreTopic(snap: IndexSnapshot, query: Float32Array, topic: string, labels: readonly number[], weights: RankingWeights): TopicMatch[] {
  const topicTerms = snap.bm25.termWeights(topic);
  return labels.map((label) => {
    const paper = snap.paper(label);
    const sentences = snap.sentences.get(label);
    const match = matchSentences(query, sentences);
    const evidence = { dense: dot(query, snap.vector(label)), sentence: match.topSimilarity, coverage: termCoverage(topicTerms, `${paper.title} ${paper.abstract}`) };
    return {
      paperId: paper.id,
      strength: matchStrength(evidence, weights),
      evidence,
      excerpt: queryExcerpt(paper.abstract, sentences.spans, match, topicTerms),
    };
  });
}
