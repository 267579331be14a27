import type { Span } from '../text/sentences.js';

/**
 * Late chunking: a passage goes through the model once, and each sentence's vector is the mean of its
 * own tokens' output states, so a sentence is read in the context of its abstract and costs no run of
 * its own. These are the pure parts: where sentences lie among the passage's tokens, which windows of
 * at most the model's length cover them, and which tokens' states each window gives.
 */

/**
 * How sentence vectors are made, recorded in an index's model fingerprint so that an index or cache
 * made another way is rebuilt, never mixed with this one. Change it whenever the vectors would change.
 */
export const SENTENCE_VECTORS = 'late-chunked-2';

/** Tokens [start, end) of the passage's content (special tokens not counted). */
export interface TokenRange {
  start: number;
  end: number;
}

/**
 * Where to cut a text so that every sentence is a piece of its own: 0, s0.start, s0.end, s1.start, …,
 * length. Pieces alternate between what lies around sentences and the sentences themselves.
 */
export function pieceBounds(length: number, sentences: readonly Span[]): number[] {
  const bounds = [0];
  for (const { start, end } of sentences) {
    if (start < bounds.at(-1)! || end < start || end > length) throw new Error(`sentence ${start}–${end} is out of order or outside the text`);
    bounds.push(start, end);
  }
  bounds.push(length);
  return bounds;
}

/** The token range of each sentence, from the token count of each piece that pieceBounds cut. */
export function sentenceRanges(pieceTokens: readonly number[]): TokenRange[] {
  const ranges: TokenRange[] = [];
  let position = 0;
  pieceTokens.forEach((count, piece) => {
    if (piece % 2 === 1) ranges.push({ start: position, end: position + count });
    position += count;
  });
  return ranges;
}

export interface WindowLimits {
  /** Content tokens the first window holds: the passage as the model reads it for the paper vector. */
  first: number;
  /** Content tokens any further window holds. */
  capacity: number;
  /** Tokens a further window shares with the one before it, so that no token is read without context. */
  context: number;
}

/**
 * Windows over content tokens up to `needed` (where the last sentence ends), `total` in all. The first
 * is the passage as the model reads it for the paper vector; each further one starts `context` tokens
 * before the previous one ends and holds up to `capacity`. They tile the text, so a long passage costs
 * its own length plus one overlap per further window, and every token is read in at least one.
 */
export function planWindows(needed: number, total: number, { first, capacity, context }: WindowLimits): TokenRange[] {
  if (context >= capacity) throw new Error(`a window's context (${context}) must be shorter than its capacity (${capacity})`);
  const windows: TokenRange[] = [{ start: 0, end: Math.min(total, first) }];
  while (windows.at(-1)!.end < Math.min(needed, total)) {
    const start = windows.at(-1)!.end - context;
    windows.push({ start, end: Math.min(total, start + capacity) });
  }
  return windows;
}

/**
 * The tokens whose states each window gives: every token once. Where two windows overlap, the
 * earlier gives the first half of the overlap and the later the rest, so that a token near a seam has
 * context on both sides in the window it is taken from.
 */
export function ownedRanges(windows: readonly TokenRange[]): TokenRange[] {
  const seam = (earlier: TokenRange, later: TokenRange) => Math.ceil((later.start + earlier.end) / 2);
  return windows.map((window, i) => ({
    start: i === 0 ? window.start : seam(windows[i - 1]!, window),
    end: i === windows.length - 1 ? window.end : seam(window, windows[i + 1]!),
  }));
}

/** Adds rows [from, to) of a [rows × dimension] block into `sum`. */
export function addRows(sum: Float32Array, hidden: Float32Array, from: number, to: number, dimension: number): void {
  for (let row = from; row < to; row++) {
    const offset = row * dimension;
    for (let d = 0; d < dimension; d++) sum[d]! += hidden[offset + d]!;
  }
}
