/**
 * The nearest-rank percentile: the smallest value with at least `p`% of the values at or below it.
 * Always one of the values (never an average of two), so a reported p95 or median is a latency that
 * was actually seen. `p` is clamped to 0..100; the values may come in any order; none gives NaN.
 */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
