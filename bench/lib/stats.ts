import type { Figure, Target } from './types.js';

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const index = (p / 100) * (sorted.length - 1);
  const low = Math.floor(index);
  const high = Math.ceil(index);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (index - low);
}

/** A figure from repeated samples: median, interquartile spread, run count. */
export function figure(name: string, unit: string, samples: readonly number[], extra: { target?: Target; note?: string } = {}): Figure {
  return {
    name,
    unit,
    median: percentile(samples, 50),
    p25: percentile(samples, 25),
    p75: percentile(samples, 75),
    runs: samples.length,
    ...extra,
  };
}

/** Runs `work` `warmup` times unmeasured, then `repeats` times, returning milliseconds per run. */
export async function timeRuns(work: () => unknown, repeats: number, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await work();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  return samples;
}
