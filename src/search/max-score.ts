/** A document and its score. */
export interface Scored {
  label: number;
  score: number;
}

/** Keeps the `n` best positive scores offered, best first; of equal scores, the one offered first. */
export class TopCollector {
  readonly best: Scored[] = [];

  constructor(readonly n: number) {}

  /** What a score must beat to enter: 0 until `n` are held, then the worst of them (∞ when n is 0). */
  get threshold(): number {
    if (this.n <= 0) return Infinity;
    return this.best.length < this.n ? 0 : this.best[this.n - 1]!.score;
  }

  offer(label: number, score: number): void {
    if (score <= this.threshold) return;
    if (this.best.length === this.n) this.best.pop();
    let i = this.best.length;
    this.best.push({ label, score });
    while (i > 0 && this.best[i - 1]!.score < score) {
      this.best[i] = this.best[i - 1]!;
      i--;
    }
    this.best[i] = { label, score };
  }
}

/** One query term's postings in one segment, read from `position` on. */
export interface PostingCursor {
  /** Document labels, ascending. */
  readonly docs: Uint32Array;
  position: number;
  readonly end: number;
  /** The most this term adds to any document's score. */
  readonly bound: number;
  /** What this term adds to the score of the document at row `row`. */
  contribution(row: number): number;
}

/** Moves a cursor to its first row at or after `doc`, galloping: the rows skipped are never read. */
export function seek(cursor: Pick<PostingCursor, 'docs' | 'position' | 'end'>, doc: number): void {
  const { docs, end } = cursor;
  let low = cursor.position;
  if (low >= end || docs[low]! >= doc) return;
  // docs[low] < doc; find the first row in (low, high] at or after doc, with docs[end] read as +∞.
  let step = 1;
  let high = low + 1;
  while (high < end && docs[high]! < doc) {
    low = high;
    step *= 2;
    high = low + step;
  }
  high = Math.min(high, end);
  while (low + 1 < high) {
    const middle = (low + high) >>> 1;
    if (docs[middle]! < doc) low = middle;
    else high = middle;
  }
  cursor.position = high;
}

/**
 * Document-at-a-time top-k with MaxScore pruning (Turtle & Flood, 1995). Terms are ordered by the
 * most they can add; those whose bounds together cannot beat the collector's threshold are
 * "non-essential": only documents of the other terms are visited, and a non-essential term is looked
 * up (by seek) only while it could still lift the document in. Exact: the result is what scoring
 * every document would keep. Common terms (low IDF, long postings) are the ones skipped.
 */
export function maxScoreTop(cursors: PostingCursor[], top: TopCollector, accept: (doc: number) => boolean): void {
  const lists = [...cursors].sort((a, b) => a.bound - b.bound);
  const upTo: number[] = []; // upTo[i]: the most lists 0..i can add together
  lists.reduce((sum, list, i) => (upTo[i] = sum + list.bound), 0);
  let essential = 0;
  while (essential < lists.length && upTo[essential]! <= top.threshold) essential++;
  for (;;) {
    let doc = Infinity;
    for (let i = essential; i < lists.length; i++) {
      const list = lists[i]!;
      if (list.position < list.end && list.docs[list.position]! < doc) doc = list.docs[list.position]!;
    }
    if (doc === Infinity) return;
    let score = 0;
    for (let i = essential; i < lists.length; i++) {
      const list = lists[i]!;
      if (list.position < list.end && list.docs[list.position] === doc) score += list.contribution(list.position++);
    }
    for (let i = essential - 1; i >= 0 && score + upTo[i]! > top.threshold; i--) {
      const list = lists[i]!;
      seek(list, doc);
      if (list.position < list.end && list.docs[list.position] === doc) score += list.contribution(list.position);
    }
    if (score > top.threshold && accept(doc)) {
      top.offer(doc, score);
      while (essential < lists.length && upTo[essential]! <= top.threshold) essential++;
    }
  }
}
