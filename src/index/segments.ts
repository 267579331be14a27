import type { Manifest, SegmentKind } from './manifest.js';

/**
 * Segments are the append-only parts of a generation: a reload writes one new segment per kind for
 * what it adds, and links the previous generation's segments into its own folder unchanged.
 * Names carry a number that grows across generations, so a new segment never takes an old one's name.
 */
const PATTERN = /^(papers|sentences|bm25|graph)-(\d{8})\.(jsonl|bin)$/;
const FILE_NAMES: Record<SegmentKind, (n: string) => string> = {
  papers: (n) => `papers-${n}.jsonl`,
  sentences: (n) => `sentences-${n}.bin`,
  lexical: (n) => `bm25-${n}.bin`,
  graphs: (n) => `graph-${n}.bin`,
};

/** Labels per segment in a full build: bounds what one segment holds in memory while it is written. */
export const SEGMENT_LABELS = 100_000;

/** More segments of a kind than this and the newest ones are merged (see segmentsToMerge). */
export const MAX_SEGMENTS = 8;

export function segmentNumber(name: string): number {
  const match = PATTERN.exec(name);
  if (!match) throw new Error(`${name} is not a segment file name`);
  return Number(match[2]);
}

/** Hands out segment names, numbered after every segment of the previous generation. */
export class SegmentNames {
  private next: number;

  constructor(previous?: Pick<Manifest, 'segments'>) {
    const all = previous ? Object.values(previous.segments).flat() : [];
    this.next = all.reduce((max, s) => Math.max(max, segmentNumber(s.name)), 0) + 1;
  }

  take(kind: SegmentKind): string {
    return FILE_NAMES[kind](String(this.next++).padStart(8, '0'));
  }
}

/**
 * How many of the newest segments of a kind to merge into one, from every segment's size, oldest
 * first: the run of newest segments each under half the oldest one's size (what reloads added since
 * the last full build), once that run is longer than MAX_SEGMENTS; else none. A merge so costs about
 * what was added, once every few reloads, and never rewrites what a full build wrote, which a full
 * rebuild (once deleted labels pass a fifth) does instead.
 */
export function segmentsToMerge(sizes: readonly number[]): number {
  const small = sizes[0]! / 2;
  let run = 0;
  while (run < sizes.length - 1 && sizes[sizes.length - 1 - run]! < small) run++;
  return run > MAX_SEGMENTS ? run : 0;
}
