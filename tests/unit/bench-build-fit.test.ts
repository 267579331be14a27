import { describe, expect, it } from 'vitest';
import { buildWontFit, type Corpus } from '../../bench/lib/corpora.js';

const GB = 2 ** 30;
const built = (size: number, rssGb: number, heapGb: number) => ({ size, build: { buildMs: 1, peakRssBytes: rssGb * GB, peakHeapBytes: heapGb * GB } }) as Corpus;

describe('buildWontFit', () => {
  // This machine's builds: 10k and 100k papers (2.6 GB, not ten times 1.0 GB: the build streams).
  const measured = [built(10_000, 1.0, 0.2), built(100_000, 2.6, 0.95)];

  it('extrapolates along the growth of the two largest builds, so 1M fits in 24 GB', () => {
    expect(buildWontFit(1_000_000, measured, 24 * GB)).toBeUndefined();
    // Linearly from the largest alone it would not have (26 GB): the figure a streaming build never reaches.
    expect(buildWontFit(1_000_000, measured.slice(1), 24 * GB)).toMatch(/about 26\.0 GB .*scaled linearly.*over 80%/);
  });

  it('still refuses what would not fit, saying how it grew', () => {
    expect(buildWontFit(1_000_000, measured, 8 * GB)).toMatch(/about 6\.\d GB \(2\.6 GB measured at 100000, growing as size\^0\.41 from 10000 to 100000\), over 80% of this machine's 8\.0 GB/);
    expect(buildWontFit(100_000_000, measured, 1024 * GB)).toMatch(/of JavaScript heap, over the build's heap limit/);
  });

  it('never extrapolates faster than linearly, and says nothing without a measured build', () => {
    const steep = [built(10_000, 0.1, 0.01), built(100_000, 5, 0.1)]; // fifty times for ten times the papers
    expect(buildWontFit(1_000_000, steep, 48 * GB)).toMatch(/about 50\.0 GB .*size\^1\.00/);
    expect(buildWontFit(1_000_000, [], 1 * GB)).toBeUndefined();
  });
});
