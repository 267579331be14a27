import type { Scored } from '../search/bm25.js';

/** How dense, sentence-level and lexical evidence are combined; chosen by `npm run eval`. */
export interface RankingWeights {
  mode: 'fused' | 'dense' | 'bm25' | 'rrf';
  /** Share of the best sentence's similarity in the semantic score (0 = whole abstract only). */
  sentence: number;
  /** Share of the lexical score in the fused one (rrf: weight of the lexical rank's term). */
  lexical: number;
  /**
   * fused: how semantic and lexical scores are put on one scale before they are combined, over the
   * candidates of the question: `max` divides lexical by the best lexical score and adds it;
   * `minmax` and `zscore` rescale both and take their convex combination.
   */
  scale?: 'max' | 'minmax' | 'zscore';
  /** rrf: the rank offset k of 1 / (k + rank) (default 60). */
  rrfK?: number;
}

/** Candidates drawn from each retriever before fusion. */
export const CANDIDATE_DEPTH = 50;

export const DEFAULT_WEIGHTS: RankingWeights = { mode: 'fused', sentence: 0.5, lexical: 0.4, scale: 'max' };

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

/** The semantic strength of a match, without the lexical bonus: what the confidence threshold is set on. */
export function semanticScore(evidence: Pick<CandidateEvidence, 'dense' | 'sentence'>, weights: Pick<RankingWeights, 'sentence'>): number {
  return (1 - weights.sentence) * evidence.dense + weights.sentence * evidence.sentence;
}

/** A rescaling of one score over the candidates. */
function scaler(values: readonly number[], scale: 'max' | 'minmax' | 'zscore'): (x: number) => number {
  if (scale === 'max') {
    const max = Math.max(0, ...values);
    return (x) => (max > 0 ? x / max : 0);
  }
  if (scale === 'minmax') {
    const min = Math.min(...values);
    const range = Math.max(...values) - min;
    return (x) => (range > 0 ? (x - min) / range : 0);
  }
  const mean = values.reduce((s, x) => s + x, 0) / Math.max(1, values.length);
  const sd = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, values.length));
  return (x) => (sd > 0 ? (x - mean) / sd : 0);
}

function rrfScores(candidates: readonly CandidateEvidence[], weights: RankingWeights): number[] {
  const k = weights.rrfK ?? 60;
  const rankOf = (key: 'dense' | 'lexical') =>
    new Map([...candidates].sort((a, b) => b[key] - a[key] || a.label - b.label).map((c, i) => [c.label, i + 1]));
  const denseRank = rankOf('dense');
  const lexicalRank = rankOf('lexical');
  return candidates.map(
    (c) => 1 / (k + denseRank.get(c.label)!) + (c.lexical > 0 ? weights.lexical / (k + lexicalRank.get(c.label)!) : 0),
  );
}

function fusedScores(candidates: readonly CandidateEvidence[], weights: RankingWeights): number[] {
  const semantic = candidates.map((c) => semanticScore(c, weights));
  if (weights.mode === 'dense') return semantic;
  if (weights.mode === 'bm25') return candidates.map((c) => c.lexical);
  const scale = weights.scale ?? 'max';
  const lexical = scaler(
    candidates.map((c) => c.lexical),
    scale,
  );
  if (scale === 'max') return candidates.map((c, i) => semantic[i]! + weights.lexical * lexical(c.lexical));
  const dense = scaler(semantic, scale);
  return candidates.map((c, i) => (1 - weights.lexical) * dense(semantic[i]!) + weights.lexical * lexical(c.lexical));
}

/** Orders candidates by combined evidence, best first. Pure: same evidence, same order. */
export function rankCandidates(candidates: readonly CandidateEvidence[], weights: RankingWeights): RankedCandidate[] {
  const scores = weights.mode === 'rrf' ? rrfScores(candidates, weights) : fusedScores(candidates, weights);
  return candidates.map((c, i) => ({ ...c, score: scores[i]! })).sort((a, b) => b.score - a.score || a.label - b.label);
}

/** Labels from both retrievers, each once. */
export function candidateLabels(dense: readonly { label: number }[], lexical: readonly Scored[]): number[] {
  return [...new Set([...dense.map((d) => d.label), ...lexical.map((l) => l.label)])];
}
