import { percentile } from '../util/percentile.js';
import type { LatencySummary } from './render/status.js';

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
    return { count: this.values.length, medianMs: percentile(this.values, 50), p95Ms: percentile(this.values, 95) };
  }
}
