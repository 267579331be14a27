import type { Catalog } from '../index/catalog.js';

/**
 * A day's list, ranked the way the Daily Papers page ranks it: by upvotes when known, then by the
 * position the paper had on the list.
 */
export function rankListing(labels: readonly number[], date: string, catalog: Pick<Catalog, 'listings' | 'upvotes'>): number[] {
  const rankOn = (label: number) => catalog.listings(label).find((l) => l.date === date)?.rank ?? Infinity;
  return [...labels].sort((a, b) => (catalog.upvotes(b) ?? -1) - (catalog.upvotes(a) ?? -1) || rankOn(a) - rankOn(b));
}
