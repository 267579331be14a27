import type { Scored } from '../search/bm25.js';

/** How dense, sentence-level and lexical evidence are combined; chosen by `npm run eval`. */
export interface RankingWeights {
  mode: 'fused' | 'dense' | 'bm25' | 'rrf';
  /** Share of the best sentence's similarity in the semantic score (0 = whole abstract only). */
  sentence: number;
  /** Weight of the lexical score, normalized to the best lexical score among candidates. */
  lexical: number;
}

export const DEFAULT_WEIGHTS: RankingWeights = { mode: 'fused', sentence: 0.1, lexical: 0.4 };

export interface CandidateEvidence {
  label: number;
  /** Cosine of question and paper (title + abstract). */
  dense: number;
  /** Best cosine of question and a single abstract sentence. */
  sentence: number;
  /** BM25 score, 0 when no question term occurs. */
  lexical: number;
}

export interface RankedCandidate extends CandidateEvidence {
  score: number;
}

const RRF_K = 60;

/** The semantic strength of a match, without the lexical bonus: what the confidence threshold is set on. */
export function semanticScore(evidence: Pick<CandidateEvidence, 'dense' | 'sentence'>, weights: Pick<RankingWeights, 'sentence'>): number {
  return (1 - weights.sentence) * evidence.dense + weights.sentence * evidence.sentence;
}

/** Orders candidates by combined evidence, best first. Pure: same evidence, same order. */
export function rankCandidates(candidates: readonly CandidateEvidence[], weights: RankingWeights): RankedCandidate[] {
  const maxLexical = Math.max(0, ...candidates.map((c) => c.lexical));
  let scored: RankedCandidate[];
  if (weights.mode === 'rrf') {
    const rankOf = (key: 'dense' | 'lexical') =>
      new Map([...candidates].sort((a, b) => b[key] - a[key] || a.label - b.label).map((c, i) => [c.label, i + 1]));
    const denseRank = rankOf('dense');
    const lexicalRank = rankOf('lexical');
    scored = candidates.map((c) => ({
      ...c,
      score: 1 / (RRF_K + denseRank.get(c.label)!) + (c.lexical > 0 ? 1 / (RRF_K + lexicalRank.get(c.label)!) : 0),
    }));
  } else {
    scored = candidates.map((c) => {
      const semantic = semanticScore(c, weights);
      const lexical = maxLexical > 0 ? c.lexical / maxLexical : 0;
      const score =
        weights.mode === 'dense' ? semantic : weights.mode === 'bm25' ? c.lexical : semantic + weights.lexical * lexical;
      return { ...c, score };
    });
  }
  return scored.sort((a, b) => b.score - a.score || a.label - b.label);
}

/** Labels from both retrievers, each once. */
export function candidateLabels(dense: readonly { label: number }[], lexical: readonly Scored[]): number[] {
  return [...new Set([...dense.map((d) => d.label), ...lexical.map((l) => l.label)])];
}
