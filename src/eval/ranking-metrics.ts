/**
 * Standard IR metrics at a cutoff, with binary relevance (BEIR's convention): a ranked list of ids
 * and the set of ids judged relevant.
 */

/** nDCG@k: DCG of the ranking (gain 1 per relevant id, discount log2(rank + 1)) over the ideal DCG. */
export function ndcgAt(k: number, ranked: readonly string[], relevant: ReadonlySet<string>): number {
  if (relevant.size === 0) return 0;
  const gain = (rank: number) => 1 / Math.log2(rank + 1);
  let dcg = 0;
  ranked.slice(0, k).forEach((id, i) => {
    if (relevant.has(id)) dcg += gain(i + 1);
  });
  let ideal = 0;
  for (let rank = 1; rank <= Math.min(k, relevant.size); rank++) ideal += gain(rank);
  return dcg / ideal;
}

/** recall@k: the share of the relevant ids found in the top k. */
export function recallAt(k: number, ranked: readonly string[], relevant: ReadonlySet<string>): number {
  if (relevant.size === 0) return 0;
  return new Set(ranked.slice(0, k).filter((id) => relevant.has(id))).size / relevant.size;
}

/** Reciprocal rank of the first relevant id within the top k, 0 when there is none. */
export function reciprocalRankAt(k: number, ranked: readonly string[], relevant: ReadonlySet<string>): number {
  const index = ranked.slice(0, k).findIndex((id) => relevant.has(id));
  return index < 0 ? 0 : 1 / (index + 1);
}

export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((sum, x) => sum + x, 0) / values.length : 0;
}
