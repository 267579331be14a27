import type { LatencySummary } from './render/status.js';

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The most recent latencies, for /stats. */
export class LatencyWindow {
  private readonly values: number[] = [];

  constructor(private readonly size = 500) {}

  record(ms: number): void {
    this.values.push(ms);
    if (this.values.length > this.size) this.values.shift();
  }

  summary(): LatencySummary {
    if (!this.values.length) return { count: 0 };
    const sorted = [...this.values].sort((a, b) => a - b);
    return { count: sorted.length, medianMs: percentile(sorted, 50), p95Ms: percentile(sorted, 95) };
  }
}
