import { normalizeTitle, type Listing, type Paper } from './paper.js';
import { PaperSlots, type RecordKey } from './slots.js';

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
 * Which records are one paper is decided by PaperSlots, which needs only their keys.
 */
export function* dedupeSteps(papers: Iterable<Paper>, onConflict?: (conflict: TitleConflict) => void): Generator<void, Paper[]> {
  const slots = new PaperSlots();
  const merged: Paper[] = [];
  let index = -1;
  for (const paper of papers) {
    yield;
    index++;
    const { slot, conflict } = slots.place(recordKey(paper), index);
    if (slot === merged.length) {
      merged.push(paper);
      continue;
    }
    const older = merged[slot]!;
    if (conflict) onConflict?.({ kept: paper, replaced: older, keptIndex: index, replacedIndex: conflict.replacedIndex });
    merged[slot] = mergePaper(older, paper);
  }
  return merged;
}

/** What PaperSlots reads of a record. */
export function recordKey(paper: Paper): RecordKey {
  return { id: paper.id, arxivId: paper.arxivId, title: normalizeTitle(paper.title) };
}
