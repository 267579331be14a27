/** A document and its score. */
export interface Scored {
  label: number;
  score: number;
}

/** Whether a ranks above b: the higher score, or of equal scores the lower label. */
function ranksAbove(a: Scored, b: Scored): boolean {
  return a.score > b.score || (a.score === b.score && a.label < b.label);
}

/** Keeps the `n` best positive scores offered, in any order: best first, of equal scores the lower label. */
export class TopCollector {
  readonly best: Scored[] = [];
  /** The worst score held once `n` are (0 before): a score below it cannot enter, one equal only with a lower label. */
  threshold = 0;

  constructor(readonly n: number) {}

  offer(label: number, score: number): void {
    const entry = { label, score };
    if (this.n <= 0 || score <= 0) return;
    if (this.best.length === this.n) {
      if (!ranksAbove(entry, this.best[this.n - 1]!)) return;
      this.best.pop();
    }
    let i = this.best.length;
    this.best.push(entry);
    while (i > 0 && ranksAbove(entry, this.best[i - 1]!)) {
      this.best[i] = this.best[i - 1]!;
      i--;
    }
    this.best[i] = entry;
    if (this.best.length === this.n) this.threshold = this.best[this.n - 1]!.score;
  }
}

/** One query term's postings in one segment, read from `position` on. */
export interface PostingCursor {
  /** Document labels, ascending. */
  readonly docs: Uint32Array;
  /** The term's count in each row's document. */
  readonly freqs: Uint16Array;
  position: number;
  readonly end: number;
  /** The term's weight times k1 + 1 (see termScore). */
  readonly weight: number;
  /** The most this term adds to any document's score. */
  readonly bound: number;
}

/** What BM25's term score needs besides a term's weight and count: the document lengths, and the constants of its normalization. */
export interface TermScore {
  lengths: Float32Array;
  base: number;
  slope: number;
}

/**
 * BM25's term score, weight × tf × (k1 + 1) / (tf + k1 × (1 - b + b × length / average)), written as
 * lifted × tf / (tf + base + slope × length) with lifted = weight × (k1 + 1), base = k1 × (1 - b) and
 * slope = k1 × b / average: the constants once per term, not per posting.
 */
export function termScore(lifted: number, tf: number, length: number, base: number, slope: number): number {
  return (lifted * tf) / (tf + base + slope * length);
}

/** Moves a cursor to its first row at or after `doc`, galloping: the rows skipped are never read. */
export function seek(cursor: Pick<PostingCursor, 'docs' | 'position' | 'end'>, doc: number): void {
  const { docs, end } = cursor;
  let low = cursor.position;
  if (low >= end || docs[low]! >= doc) return;
  // docs[low] < doc: the first row at or after doc is in (low, high], with docs[end] read as +∞.
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

/** Labels scored together: the threshold, and so the split into essential terms, is renewed between windows. */
export const WINDOW_LABELS = 4096;

/**
 * The best documents of one segment (labels firstLabel … segmentEnd - 1) into `top`, with MaxScore
 * pruning (Turtle & Flood, 1995), a window of WINDOW_LABELS labels at a time. Terms are ordered by
 * the most they can add; those whose bounds together cannot beat the threshold the collector holds
 * as a window starts are "non-essential". The others are scored term at a time into `scratch` (a
 * tight loop over their postings in the window); then each document they reached, in label order,
 * looks up the non-essential terms (by seek) only while they could still lift it in. The next window
 * starts at the next document an essential term has, and none is needed once no document could
 * enter. Exact: the result is what scoring every document would keep, and in label order a tie
 * never displaces a lower label. `scratch` holds WINDOW_LABELS scores, zero before and after.
 */
export function maxScoreTop(cursors: readonly PostingCursor[], { lengths, base, slope }: TermScore, top: TopCollector, accept: (doc: number) => boolean, segmentEnd: number, scratch: Float64Array): void {
  const lists = [...cursors].sort((a, b) => a.bound - b.bound);
  const upTo: number[] = []; // upTo[i]: the most lists 0..i add together
  lists.reduce((sum, list, i) => (upTo[i] = sum + list.bound), 0);
  for (;;) {
    let essential = 0;
    while (essential < lists.length && upTo[essential]! <= top.threshold) essential++;
    // The window starts at the first document left to an essential term; none left, none can enter.
    let start = segmentEnd;
    for (let i = essential; i < lists.length; i++) {
      const list = lists[i]!;
      if (list.position < list.end) start = Math.min(start, list.docs[list.position]!);
    }
    if (start >= segmentEnd) return;
    const end = Math.min(start + WINDOW_LABELS, segmentEnd);
    let high = 0;
    for (let i = essential; i < lists.length; i++) {
      const list = lists[i]!;
      const { docs, freqs, weight } = list;
      let row = list.position;
      for (; row < list.end && docs[row]! < end; row++) {
        const doc = docs[row]!;
        scratch[doc - start]! += termScore(weight, freqs[row]!, lengths[doc]!, base, slope);
      }
      if (row > list.position) high = Math.max(high, docs[row - 1]! - start);
      list.position = row;
    }
    for (let local = 0; local <= high; local++) {
      let score = scratch[local]!;
      if (score === 0) continue;
      scratch[local] = 0;
      const doc = start + local;
      for (let i = essential - 1; i >= 0 && score + upTo[i]! > top.threshold; i--) {
        const list = lists[i]!;
        seek(list, doc);
        if (list.position < list.end && list.docs[list.position] === doc) score += termScore(list.weight, list.freqs[list.position]!, lengths[doc]!, base, slope);
      }
      if (score > top.threshold && accept(doc)) top.offer(doc, score);
    }
  }
}
