import { createHash } from 'node:crypto';
import type { Listing, Paper } from '../papers/paper.js';
import { IdTable } from './id-table.js';

/** Hash of a paper record as read from the sources: a different hash means its details changed. */
export function recordHash(paper: Paper): string {
  return createHash('sha256').update(JSON.stringify(paper)).digest('hex').slice(0, 32);
}

/** Where a label's full record lies: a papers segment (by its number) and a byte range in it. */
export interface RecordLocation {
  segment: number;
  offset: number;
  length: number;
}

/** What the catalog keeps of one live paper. */
export interface CatalogEntry {
  id: string;
  title: string;
  /** 32 hex digits each. */
  contentHash: string;
  recordHash: string;
  tldrSentence: number;
  upvotes?: number;
  listings?: Listing[];
  location: RecordLocation;
}

/**
 * "PSCA" | version u32 | labels u32 | 0 u32, then columns, each starting at a multiple of 8 bytes:
 *   live u8[labels] | hashes u8[labels × 32] (content, then record) | tldr u32 | upvotes i32 (-1: none)
 *   segment u32 | offset u32 | length u32 | ids, titles, listings: ends u32[labels], then UTF-8 bytes
 * Columns are read as typed arrays over the file's bytes and strings are decoded on demand, so
 * opening a catalog costs one read, not one object per paper.
 */
const MAGIC = 'PSCA';
const VERSION = 1;
const HEADER_BYTES = 16;
const HASH_BYTES = 16;
const NO_UPVOTES = -1;
const TEXTS = ['ids', 'titles', 'listings'] as const;
type TextColumn = (typeof TEXTS)[number];

const align8 = (n: number) => (n + 7) & ~7;

interface Columns {
  live: Uint8Array;
  hashes: Uint8Array;
  tldr: Uint32Array;
  upvotes: Int32Array;
  segment: Uint32Array;
  offset: Uint32Array;
  length: Uint32Array;
  texts: Record<TextColumn, { ends: Uint32Array; bytes: Buffer }>;
}

function fixedLayout(labels: number) {
  let at = HEADER_BYTES;
  const place = (bytes: number) => {
    const start = at;
    at = align8(at + bytes);
    return start;
  };
  const layout = {
    live: place(labels),
    hashes: place(labels * 2 * HASH_BYTES),
    tldr: place(labels * 4),
    upvotes: place(labels * 4),
    segment: place(labels * 4),
    offset: place(labels * 4),
    length: place(labels * 4),
  };
  return { ...layout, end: at };
}

/**
 * What must be in memory about every paper, column by column: ids, titles, hashes and list days.
 * Full records (abstracts, authors, links) stay on disk and are read for the few papers a reply shows.
 */
export class Catalog {
  private constructor(private readonly columns: Columns) {}

  static parse(file: Buffer): Catalog {
    if (file.length < HEADER_BYTES || file.toString('latin1', 0, 4) !== MAGIC || file.readUInt32LE(4) !== VERSION) {
      throw new Error('not a paperscout catalog (version 1)');
    }
    // Typed arrays need aligned offsets: a small buffer may lie anywhere in Node's shared pool.
    const bytes = file.byteOffset % 8 ? Buffer.from(new Uint8Array(file).buffer) : file;
    const labels = bytes.readUInt32LE(8);
    const layout = fixedLayout(labels);
    const view = <T>(make: new (buffer: ArrayBufferLike, offset: number, length: number) => T, at: number, length: number): T =>
      new make(bytes.buffer, bytes.byteOffset + at, length);
    let at = layout.end;
    const texts = {} as Columns['texts'];
    for (const column of TEXTS) {
      const ends = view(Uint32Array, at, labels);
      const size = labels ? ends[labels - 1]! : 0;
      const start = at + labels * 4;
      texts[column] = { ends, bytes: bytes.subarray(start, start + size) };
      at = align8(start + size);
    }
    if (at !== bytes.length) throw new Error(`catalog of ${labels} labels should be ${at} bytes, is ${bytes.length}`);
    return new Catalog({
      live: view(Uint8Array, layout.live, labels),
      hashes: view(Uint8Array, layout.hashes, labels * 2 * HASH_BYTES),
      tldr: view(Uint32Array, layout.tldr, labels),
      upvotes: view(Int32Array, layout.upvotes, labels),
      segment: view(Uint32Array, layout.segment, labels),
      offset: view(Uint32Array, layout.offset, labels),
      length: view(Uint32Array, layout.length, labels),
      texts,
    });
  }

  get size(): number {
    return this.columns.live.length;
  }

  isLive(label: number): boolean {
    return this.columns.live[label] === 1;
  }

  id(label: number): string | null {
    return this.isLive(label) ? this.text('ids', label) : null;
  }

  /** Every live paper's label by its id. */
  labelsById(): IdTable {
    const { ends, bytes } = this.columns.texts.ids;
    return new IdTable(ends, bytes, (label) => this.isLive(label));
  }

  title(label: number): string {
    return this.isLive(label) ? this.text('titles', label) : '';
  }

  contentHash(label: number): string {
    return this.isLive(label) ? Buffer.from(this.columns.hashes.buffer, this.columns.hashes.byteOffset + label * 2 * HASH_BYTES, HASH_BYTES).toString('hex') : '';
  }

  recordHash(label: number): string {
    return this.isLive(label) ? Buffer.from(this.columns.hashes.buffer, this.columns.hashes.byteOffset + (label * 2 + 1) * HASH_BYTES, HASH_BYTES).toString('hex') : '';
  }

  tldrSentence(label: number): number {
    return this.columns.tldr[label] ?? 0;
  }

  upvotes(label: number): number | undefined {
    const value = this.columns.upvotes[label];
    return value === undefined || value === NO_UPVOTES || !this.isLive(label) ? undefined : value;
  }

  listings(label: number): Listing[] {
    const text = this.isLive(label) ? this.text('listings', label) : '';
    return text ? (JSON.parse(text) as Listing[]) : [];
  }

  /** Where a live label's record lies. */
  location(label: number): RecordLocation {
    return { segment: this.columns.segment[label]!, offset: this.columns.offset[label]!, length: this.columns.length[label]! };
  }

  /** The raw bytes of one label's text column. */
  rawText(column: TextColumn, label: number): Buffer {
    return this.rawTexts(column, label, label + 1);
  }

  /** The raw bytes of a text column for labels from … up to (not including) `to`, for copying into the next catalog. */
  rawTexts(column: TextColumn, from: number, to: number): Buffer {
    return this.columns.texts[column].bytes.subarray(this.textOffset(column, from), this.textOffset(column, to));
  }

  /** Where a label's text starts in a column (its end, for the label after the last). */
  textOffset(column: TextColumn, label: number): number {
    return label ? this.columns.texts[column].ends[label - 1]! : 0;
  }

  rawHashes(label: number): Uint8Array {
    return this.columns.hashes.subarray(label * 2 * HASH_BYTES, (label + 1) * 2 * HASH_BYTES);
  }

  private text(column: TextColumn, label: number): string {
    return this.rawText(column, label).toString('utf8');
  }
}

/** A growable byte column. */
class ByteSink {
  private buffer = Buffer.alloc(1 << 16);
  length = 0;

  push(bytes: Uint8Array): void {
    if (this.length + bytes.length > this.buffer.length) {
      const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + bytes.length));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  get bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

/**
 * Builds the next generation's catalog label by label, in any order: a kept label is copied from
 * the previous catalog as raw bytes, a new or refreshed one is encoded from its entry. Strings of new
 * entries go into growing byte columns, never one object per paper, so a million labels stay compact.
 */
export class CatalogBuilder {
  /** 0 dead, 1 copied from the previous catalog, 2 new (its strings at row `row[label]`). */
  private readonly origin: Uint8Array;
  private readonly row: Uint32Array;
  private readonly hashes: Uint8Array;
  private readonly tldr: Uint32Array;
  private readonly upvotes: Int32Array;
  private readonly segment: Uint32Array;
  private readonly offset: Uint32Array;
  private readonly length: Uint32Array;
  private readonly sinks = { ids: new ByteSink(), titles: new ByteSink(), listings: new ByteSink() };
  private readonly sinkEnds: Record<TextColumn, number[]> = { ids: [], titles: [], listings: [] };

  constructor(
    readonly labels: number,
    private readonly previous?: Catalog,
  ) {
    this.origin = new Uint8Array(labels);
    this.row = new Uint32Array(labels);
    this.hashes = new Uint8Array(labels * 2 * HASH_BYTES);
    this.tldr = new Uint32Array(labels);
    this.upvotes = new Int32Array(labels).fill(NO_UPVOTES);
    this.segment = new Uint32Array(labels);
    this.offset = new Uint32Array(labels);
    this.length = new Uint32Array(labels);
  }

  /** Keeps a previous label as it was (same label number). */
  keep(label: number): void {
    const previous = this.previous!;
    this.origin[label] = 1;
    this.hashes.set(previous.rawHashes(label), label * 2 * HASH_BYTES);
    this.tldr[label] = previous.tldrSentence(label);
    this.upvotes[label] = previous.upvotes(label) ?? NO_UPVOTES;
    this.move(label, previous.location(label));
  }

  set(label: number, entry: CatalogEntry): void {
    if (entry.contentHash.length !== 2 * HASH_BYTES || entry.recordHash.length !== 2 * HASH_BYTES) throw new Error(`label ${label}: hashes must be ${2 * HASH_BYTES} hex digits`);
    this.origin[label] = 2;
    this.row[label] = this.sinkEnds.ids.length;
    const texts: Record<TextColumn, string> = { ids: entry.id, titles: entry.title, listings: entry.listings?.length ? JSON.stringify(entry.listings) : '' };
    for (const column of TEXTS) {
      this.sinks[column].push(Buffer.from(texts[column], 'utf8'));
      this.sinkEnds[column].push(this.sinks[column].length);
    }
    this.hashes.set(Buffer.from(entry.contentHash + entry.recordHash, 'hex'), label * 2 * HASH_BYTES);
    this.tldr[label] = entry.tldrSentence;
    this.upvotes[label] = entry.upvotes ?? NO_UPVOTES;
    this.move(label, entry.location);
  }

  /** Points a label at another copy of its record (after papers segments were merged). */
  move(label: number, location: RecordLocation): void {
    this.segment[label] = location.segment;
    this.offset[label] = location.offset;
    this.length[label] = location.length;
  }

  isLive(label: number): boolean {
    return this.origin[label] !== 0;
  }

  location(label: number): RecordLocation {
    return { segment: this.segment[label]!, offset: this.offset[label]!, length: this.length[label]! };
  }

  /** The file, as the parts to write in order. */
  serialize(): Uint8Array[] {
    const { labels } = this;
    const layout = fixedLayout(labels);
    const fixed = Buffer.alloc(layout.end);
    fixed.write(MAGIC, 0, 'latin1');
    fixed.writeUInt32LE(VERSION, 4);
    fixed.writeUInt32LE(labels, 8);
    for (let label = 0; label < labels; label++) fixed[layout.live + label] = this.origin[label] ? 1 : 0;
    const put = (array: ArrayBufferView, at: number) => fixed.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
    put(this.hashes, layout.hashes);
    put(this.tldr, layout.tldr);
    put(this.upvotes, layout.upvotes);
    put(this.segment, layout.segment);
    put(this.offset, layout.offset);
    put(this.length, layout.length);
    const parts: Uint8Array[] = [fixed];
    for (const column of TEXTS) {
      const ends = new Uint32Array(labels);
      const bytes = new ByteSink();
      for (let label = 0; label < labels; label++) {
        if (this.origin[label] === 1) {
          // A run of kept labels is one copy of the previous catalog's bytes.
          let end = label;
          while (end + 1 < labels && this.origin[end + 1] === 1) end++;
          const start = bytes.length;
          const from = this.previous!.textOffset(column, label);
          bytes.push(this.previous!.rawTexts(column, label, end + 1));
          for (let l = label; l <= end; l++) ends[l] = start + this.previous!.textOffset(column, l + 1) - from;
          label = end;
          continue;
        }
        if (this.origin[label] === 2) {
          const row = this.row[label]!;
          bytes.push(this.sinks[column].bytes.subarray(row ? this.sinkEnds[column][row - 1]! : 0, this.sinkEnds[column][row]!));
        }
        ends[label] = bytes.length;
      }
      const used = ends.byteLength + bytes.length;
      parts.push(Buffer.from(ends.buffer), bytes.bytes, Buffer.alloc(align8(used) - used));
    }
    return parts;
  }
}
