import type { ExcerptSentence } from '../../engine/excerpt.js';
import type { WatchMatch } from '../state/watches.js';

/** One paper of a digest: the watch it matched best, and why. */
export interface DigestEntry {
  paperId: string;
  strength: number;
  /** The topic of the watch it matched best. */
  topic: string;
  excerpt: ExcerptSentence[];
}

/**
 * How much a server likes each paper, from its votes (higher first); papers it has no view of are
 * left out. A seam for a learned taste: until one is given, ranking goes from strength to votes.
 */
export type TasteScorer = (guildId: string, paperIds: readonly string[]) => ReadonlyMap<string, number>;

/**
 * The digest of a day: each matched paper once, under its strongest watch, ranked by match strength,
 * then by the server's taste, then by its 👍 votes, then by paper id (so the order is stable).
 */
export function rankDigest(
  matches: readonly WatchMatch[],
  topics: ReadonlyMap<number, string>,
  taste: ReadonlyMap<string, number>,
  votes: ReadonlyMap<string, number>,
): DigestEntry[] {
  const best = new Map<string, WatchMatch>();
  for (const m of matches) {
    const seen = best.get(m.paperId);
    if (!seen || m.strength > seen.strength || (m.strength === seen.strength && m.watchId < seen.watchId)) best.set(m.paperId, m);
  }
  return [...best.values()]
    .sort(
      (a, b) =>
        b.strength - a.strength ||
        (taste.get(b.paperId) ?? 0) - (taste.get(a.paperId) ?? 0) ||
        (votes.get(b.paperId) ?? 0) - (votes.get(a.paperId) ?? 0) ||
        a.paperId.localeCompare(b.paperId),
    )
    .map((m) => ({ paperId: m.paperId, strength: m.strength, topic: topics.get(m.watchId) ?? '', excerpt: m.excerpt }));
}
