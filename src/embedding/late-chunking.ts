import type { Span } from '../text/sentences.js';

/**
 * Late chunking: a passage goes through the model once, and each sentence's vector is the mean of its
 * own tokens' output states, so a sentence is read in the context of its abstract and costs no run of
 * its own. These are the pure parts: where sentences lie among the passage's tokens, which windows of
 * at most the model's length cover them, and which window each sentence is pooled from.
 */

/**
 * How sentence vectors are made, recorded in an index's model fingerprint so that an index or cache
 * made another way is rebuilt, never mixed with this one. Change it whenever the vectors would change.
 */
export const SENTENCE_VECTORS = 'late-chunked-1';

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

const overlap = (a: TokenRange, b: TokenRange) => Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));

/** As much of a sentence as any window of `capacity` tokens can hold. */
const covered = (sentence: TokenRange, window: TokenRange, capacity: number) =>
  overlap(sentence, window) >= Math.min(sentence.end - sentence.start, capacity);

export interface WindowLimits {
  /** Content tokens the first window holds: the passage as the model reads it for the paper vector. */
  first: number;
  /** Content tokens any further window holds. */
  capacity: number;
  /** Tokens before a sentence that a further window starts with. */
  context: number;
}

/**
 * Windows over `total` content tokens. The first is the passage as the model reads it for the paper
 * vector. Each further one starts `context` tokens before the first sentence no window holds yet and
 * ends `capacity` tokens later or at the end: a late sentence gets some of what precedes it as
 * context, and the text after the first window is read about once.
 */
export function planWindows(sentences: readonly TokenRange[], total: number, { first, capacity, context }: WindowLimits): TokenRange[] {
  const windows: TokenRange[] = [{ start: 0, end: Math.min(total, first) }];
  for (const sentence of sentences) {
    if (windows.some((w) => covered(sentence, w, capacity))) continue;
    // A sentence near the window's length gets less context, so that the window still holds all of it.
    const lead = Math.min(context, Math.max(0, capacity - (sentence.end - sentence.start)));
    const start = Math.max(windows.at(-1)!.start + 1, sentence.start - lead);
    windows.push({ start, end: Math.min(total, start + capacity) });
  }
  return windows;
}

/**
 * The window a sentence is pooled from: the one holding most of it, then the one where it sits
 * farthest from either edge (most context on both sides).
 */
export function chooseWindow(sentence: TokenRange, windows: readonly TokenRange[]): number {
  let best = 0;
  let bestOverlap = -1;
  let bestMargin = -Infinity;
  windows.forEach((window, i) => {
    const held = overlap(sentence, window);
    const margin = Math.min(sentence.start - window.start, window.end - sentence.end);
    if (held > bestOverlap || (held === bestOverlap && margin > bestMargin)) {
      best = i;
      bestOverlap = held;
      bestMargin = margin;
    }
  });
  return best;
}

/** Tokens of what precedes a sentence that a later window (past the model's length) starts with. */
const WINDOW_CONTEXT_TOKENS = 64;

/** The special tokens a tokenizer puts around a single text ([CLS] … [SEP] for BERT). */
export interface Specials {
  lead: number[];
  tail: number[];
}

/** What a passage's late chunking works out before any model run. */
export interface PassagePlan {
  /** The model input of each window: its content tokens, framed by special tokens. */
  inputs: number[][];
  windows: TokenRange[];
  sentences: TokenRange[];
  /** The window each sentence is pooled from. */
  pooledFrom: number[];
  /** The content tokens, the sentences cut apart, equal the passage's own tokenization. */
  exact: boolean;
}

const sameIds = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((id, i) => id === b[i]);

/**
 * Plans the windows and sentence ranges of a passage read with `prefix` before it (the model's
 * passage prefix; its sentences are offsets into the passage alone). `encode` tokenizes without
 * special tokens. The tokenizer gives no character offsets, so each sentence is tokenized on its
 * own; for a WordPiece tokenizer the pieces, cut at whitespace, join up to the whole text's tokens
 * (`exact` says whether they did).
 */
export function planPassage(
  passage: { text: string; sentences: readonly Span[] },
  prefix: string,
  encode: (text: string) => number[],
  specials: Specials,
  maxTokens: number,
): PassagePlan {
  const { lead, tail } = specials;
  const text = prefix + passage.text;
  const spans = passage.sentences.map((s) => ({ start: s.start + prefix.length, end: s.end + prefix.length }));
  const bounds = pieceBounds(text.length, spans);
  const pieces = bounds.slice(1).map((end, i) => encode(text.slice(bounds[i], end)));
  const ids = pieces.flat();
  const sentences = sentenceRanges(pieces.map((piece) => piece.length));
  // The first window is the passage exactly as a plain embedding reads it: the tokenizer cuts the
  // framed tokens at the model's length, so a long passage's first window has no closing token.
  const framed = [...lead, ...ids, ...tail];
  const first = framed.length <= maxTokens ? ids.length : maxTokens - lead.length;
  const capacity = maxTokens - lead.length - tail.length;
  const windows = planWindows(sentences, ids.length, { first, capacity, context: WINDOW_CONTEXT_TOKENS });
  return {
    inputs: windows.map((w, window) => (window === 0 ? framed.slice(0, maxTokens) : [...lead, ...ids.slice(w.start, w.end), ...tail])),
    windows,
    sentences,
    pooledFrom: sentences.map((s) => chooseWindow(s, windows)),
    exact: sameIds(ids, encode(text)),
  };
}

/** The mean of rows [from, to) of a [rows × dimension] block, not normalized; zero when the range is empty. */
export function meanRows(hidden: Float32Array, from: number, to: number, dimension: number): Float32Array {
  const mean = new Float32Array(dimension);
  for (let row = from; row < to; row++) {
    const offset = row * dimension;
    for (let d = 0; d < dimension; d++) mean[d]! += hidden[offset + d]!;
  }
  if (to > from) for (let d = 0; d < dimension; d++) mean[d]! /= to - from;
  return mean;
}
