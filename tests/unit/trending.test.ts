import { describe, expect, it } from 'vitest';
import { rankListing } from '../../src/engine/trending.js';

/** A catalog of hand-written papers: upvotes (or none) and the lists each appeared on. */
function catalog(papers: { upvotes?: number; listings: { date: string; rank: number }[] }[]) {
  return { upvotes: (label: number) => papers[label]!.upvotes, listings: (label: number) => papers[label]!.listings };
}

describe('rankListing', () => {
  it('puts the most upvoted first', () => {
    const c = catalog([
      { upvotes: 3, listings: [{ date: '2025-03-03', rank: 1 }] },
      { upvotes: 40, listings: [{ date: '2025-03-03', rank: 2 }] },
      { upvotes: 12, listings: [{ date: '2025-03-03', rank: 3 }] },
    ]);
    expect(rankListing([0, 1, 2], '2025-03-03', c)).toEqual([1, 2, 0]);
  });

  it("breaks ties in upvotes by the paper's position on that day's list", () => {
    const c = catalog([
      { upvotes: 5, listings: [{ date: '2025-03-02', rank: 1 }, { date: '2025-03-03', rank: 4 }] },
      { upvotes: 5, listings: [{ date: '2025-03-03', rank: 2 }] },
    ]);
    expect(rankListing([0, 1], '2025-03-03', c)).toEqual([1, 0]);
    expect(rankListing([1, 0], '2025-03-02', c)).toEqual([0, 1]);
  });

  it('ranks papers without upvotes after those with any, then by position', () => {
    const c = catalog([
      { listings: [{ date: '2025-03-03', rank: 1 }] },
      { upvotes: 0, listings: [{ date: '2025-03-03', rank: 3 }] },
      { listings: [{ date: '2025-03-03', rank: 2 }] },
    ]);
    expect(rankListing([0, 1, 2], '2025-03-03', c)).toEqual([1, 0, 2]);
  });

  it('puts a paper not on that day last among equals, and leaves its input alone', () => {
    const c = catalog([{ listings: [] }, { listings: [{ date: '2025-03-03', rank: 9 }] }]);
    const labels = [0, 1];
    expect(rankListing(labels, '2025-03-03', c)).toEqual([1, 0]);
    expect(labels).toEqual([0, 1]);
  });
});
