import { normalizeTitle, type Listing, type Paper } from './paper.js';

function mergeListings(a: Listing[] = [], b: Listing[] = []): Listing[] | undefined {
  const byDate = new Map<string, Listing>();
  for (const listing of [...a, ...b]) byDate.set(listing.date, listing);
  return byDate.size ? [...byDate.values()].sort((x, y) => x.date.localeCompare(y.date)) : undefined;
}

/** `newer` wins for every field it has, except that an arXiv id is never lost and listings are combined. */
export function mergePaper(older: Paper, newer: Paper): Paper {
  const defined = Object.fromEntries(Object.entries(newer).filter(([, value]) => value !== undefined));
  const arxivId = older.arxivId ?? newer.arxivId;
  return {
    ...older,
    ...defined,
    id: arxivId ?? older.id,
    arxivId,
    listings: mergeListings(older.listings, newer.listings),
  } as Paper;
}

/**
 * Merges duplicates, by id or by normalized title, keeping first-seen order, one paper per step
 * (see util/cooperative.ts). Later records update earlier ones (newer upvotes, more listings).
 */
export function* dedupeSteps(papers: Iterable<Paper>): Generator<void, Paper[]> {
  const merged: Paper[] = [];
  const slotById = new Map<string, number>();
  const slotByTitle = new Map<string, number>();
  for (const paper of papers) {
    yield;
    const title = normalizeTitle(paper.title);
    const slot = slotById.get(paper.id) ?? slotByTitle.get(title);
    if (slot === undefined) {
      slotById.set(paper.id, merged.length);
      slotByTitle.set(title, merged.length);
      merged.push(paper);
      continue;
    }
    const combined = mergePaper(merged[slot]!, paper);
    merged[slot] = combined;
    slotById.set(combined.id, slot);
    slotByTitle.set(title, slot);
  }
  return merged;
}
