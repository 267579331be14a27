import type { Paper } from '../papers/paper.js';

/**
 * A day's list, ranked the way the Daily Papers page ranks it: by upvotes when known, then by the
 * position the paper had on the list.
 */
export function rankListing<P extends Paper>(papers: Iterable<P>, date: string): P[] {
  const listed: { paper: P; rank: number }[] = [];
  for (const paper of papers) {
    const listing = paper.listings?.find((l) => l.date === date);
    if (listing) listed.push({ paper, rank: listing.rank });
  }
  return listed
    .sort((a, b) => (b.paper.upvotes ?? -1) - (a.paper.upvotes ?? -1) || a.rank - b.rank)
    .map((l) => l.paper);
}
