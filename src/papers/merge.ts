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

/** Two records with one id whose titles differ: the newer one's title is kept. */
export interface TitleConflict {
  kept: Paper;
  replaced: Paper;
  /** Positions in the input of the record that gave the kept title, and of the one it replaced. */
  keptIndex: number;
  replacedIndex: number;
}

/**
 * Merges duplicates, by id or by normalized title, keeping first-seen order, one paper per step
 * (see util/cooperative.ts). Later records update earlier ones (newer upvotes, more listings); a
 * later record with the same id but another title is reported to `onConflict`, never merged silently.
 */
export function* dedupeSteps(papers: Iterable<Paper>, onConflict?: (conflict: TitleConflict) => void): Generator<void, Paper[]> {
  const merged: Paper[] = [];
  /** Per slot: the input position of the record whose title the slot holds. */
  const titleFrom: number[] = [];
  const slotById = new Map<string, number>();
  const slotByTitle = new Map<string, number>();
  let index = -1;
  for (const paper of papers) {
    yield;
    index++;
    const title = normalizeTitle(paper.title);
    const byId = slotById.get(paper.id);
    const slot = byId ?? slotByTitle.get(title);
    if (slot === undefined) {
      slotById.set(paper.id, merged.length);
      slotByTitle.set(title, merged.length);
      titleFrom.push(index);
      merged.push(paper);
      continue;
    }
    const older = merged[slot]!;
    if (byId !== undefined && normalizeTitle(older.title) !== title) {
      onConflict?.({ kept: paper, replaced: older, keptIndex: index, replacedIndex: titleFrom[slot]! });
    }
    const combined = mergePaper(older, paper);
    merged[slot] = combined;
    titleFrom[slot] = index;
    slotById.set(combined.id, slot);
    slotByTitle.set(title, slot);
  }
  return merged;
}
