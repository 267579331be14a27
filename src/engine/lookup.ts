import type { TitleEntry } from '../index/snapshot.js';
import { normalizeTitle } from '../papers/paper.js';

export const MAX_SUGGESTIONS = 25;

/**
 * Titles for autocomplete, best first: titles that start with the typed text, then titles with a word
 * starting with each typed word, then titles containing the text anywhere.
 */
export function suggestTitles(entries: readonly TitleEntry[], typed: string, limit = MAX_SUGGESTIONS): TitleEntry[] {
  const query = normalizeTitle(typed);
  if (!query) return entries.slice(0, limit);
  const words = query.split(' ');
  const tiers: TitleEntry[][] = [[], [], []];
  for (const entry of entries) {
    if (entry.normalized.startsWith(query)) tiers[0]!.push(entry);
    else if (words.every((w) => entry.normalized.startsWith(w) || entry.normalized.includes(` ${w}`))) tiers[1]!.push(entry);
    else if (entry.normalized.includes(query)) tiers[2]!.push(entry);
    if (tiers[0]!.length >= limit) break;
  }
  return tiers.flat().slice(0, limit);
}

function bigrams(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < text.length - 1; i++) {
    const gram = text.slice(i, i + 2);
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

/** Sørensen–Dice similarity of character bigrams, 0..1: forgiving of typos and word order slips. */
export function diceSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const ga = bigrams(a);
  const gb = bigrams(b);
  let shared = 0;
  for (const [gram, count] of ga) shared += Math.min(count, gb.get(gram) ?? 0);
  const total = Math.max(0, a.length - 1) + Math.max(0, b.length - 1);
  return total ? (2 * shared) / total : 0;
}

const FUZZY_MIN_SIMILARITY = 0.6;

/** The title that best matches a loosely typed one, if any is close enough to be the same paper. */
export function bestTitleMatch(entries: readonly TitleEntry[], typed: string): TitleEntry | undefined {
  const query = normalizeTitle(typed);
  if (!query) return undefined;
  const exact = entries.find((e) => e.normalized === query);
  if (exact) return exact;
  let best: TitleEntry | undefined;
  let bestScore = FUZZY_MIN_SIMILARITY;
  for (const entry of entries) {
    // A typed prefix of a long title counts as matching that title.
    const score = diceSimilarity(query, query.length < entry.normalized.length ? entry.normalized.slice(0, query.length + 8) : entry.normalized);
    if (score > bestScore) {
      bestScore = score;
      best = entry;
    }
  }
  return best;
}
