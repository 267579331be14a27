import { DEFAULT_WEIGHTS, type RankingWeights } from '../engine/rank.js';

/** The ranking modes every set is measured with: each retriever alone, and their fusions. */
export const VARIANTS: Record<string, RankingWeights> = {
  'dense (abstract only)': { mode: 'dense', sentence: 0, lexical: 0 },
  'dense + sentences': { mode: 'dense', sentence: DEFAULT_WEIGHTS.sentence, lexical: 0 },
  'bm25 only': { mode: 'bm25', sentence: 0, lexical: 1 },
  'rrf (dense, bm25)': { mode: 'rrf', sentence: 0, lexical: 1 },
  'fused (default)': DEFAULT_WEIGHTS,
};
