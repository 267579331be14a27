import { closestLiked, trainTaste, type TasteExamples, type TasteMethod, type TasteScore } from './taste.js';

/** What a taste is learned from and applied to: paper vectors and the days' lists. */
export interface TasteCorpus {
  /** A paper's unit vector; undefined when it is not indexed. */
  vector(id: string): Float32Array | undefined;
  /** The ids listed on a day. */
  listedOn(date: string): readonly string[];
  /** The days a paper was listed on. */
  listingDates(id: string): readonly string[];
  /** Every day with a list, oldest first. */
  days: readonly string[];
}

/**
 * Training examples from votes: the liked papers, and as papers passed over, every paper listed on
 * the same days as a liked one and not liked itself (what the voter saw and did not pick).
 */
export function tasteExamples(likedIds: readonly string[], corpus: TasteCorpus): TasteExamples & { likedIds: string[] } {
  const known = [...new Set(likedIds)].filter((id) => corpus.vector(id));
  const likedSet = new Set(known);
  const days = new Set(known.flatMap((id) => corpus.listingDates(id)));
  const passed = [...new Set([...days].flatMap((day) => corpus.listedOn(day)))].filter((id) => !likedSet.has(id));
  return { likedIds: known, liked: known.map((id) => corpus.vector(id)!), passed: passed.map((id) => corpus.vector(id)!) };
}

/** A score per paper id from a voter's likes; undefined when none of them is indexed. */
export function tasteScorer(likedIds: readonly string[], corpus: TasteCorpus, method?: TasteMethod): ((id: string) => number | undefined) | undefined {
  const examples = tasteExamples(likedIds, corpus);
  if (!examples.liked.length) return undefined;
  const score: TasteScore = trainTaste(examples, method);
  return (id) => {
    const vector = corpus.vector(id);
    return vector && score(vector);
  };
}

export interface RecommendOptions {
  k?: number;
  /** Candidates are the papers listed in the `days` days up to `until` (default 30). */
  days?: number;
  /** The last day of the window (default: the latest day with a list). */
  until?: string;
  method?: TasteMethod;
}

export interface Recommended {
  id: string;
  score: number;
  /** The liked paper it is most like: the reason it is shown. */
  like: string;
}

const DAY_MS = 86_400_000;

/** The papers of the window most to the voter's taste, each with the liked paper it is most like. Liked papers are never recommended back. */
export function recommendPapers(likedIds: readonly string[], corpus: TasteCorpus, options: RecommendOptions = {}): Recommended[] {
  const examples = tasteExamples(likedIds, corpus);
  const until = options.until ?? corpus.days.at(-1);
  if (!examples.liked.length || !until) return [];
  const from = new Date(Date.parse(`${until}T00:00:00Z`) - ((options.days ?? 30) - 1) * DAY_MS).toISOString().slice(0, 10);
  const liked = new Set(examples.likedIds);
  const candidates = [...new Set(corpus.days.filter((d) => d >= from && d <= until).flatMap((d) => corpus.listedOn(d)))].filter((id) => !liked.has(id));
  const score = trainTaste(examples, options.method);
  return candidates
    .map((id) => {
      const vector = corpus.vector(id)!;
      return { id, score: score(vector), like: examples.likedIds[closestLiked(vector, examples.liked)]! };
    })
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
    .slice(0, options.k ?? 5);
}
