import { createHash } from 'node:crypto';
import type { Listing, Paper } from '../papers/paper.js';
import type { IndexedPaper } from './indexed-paper.js';

/** Hash of a paper record as read from the sources: a different hash means its details changed. */
export function recordHash(paper: Paper): string {
  return createHash('sha256').update(JSON.stringify(paper)).digest('hex').slice(0, 32);
}

interface CatalogColumns {
  ids: (string | null)[];
  titles: string[];
  contentHashes: string[];
  recordHashes: string[];
  tldr: number[];
  upvotes: (number | null)[];
  listings: (Listing[] | null)[];
  /** Byte offset of each label's line in papers.jsonl, plus the file length at the end. */
  offsets: number[];
}

/**
 * What must be in memory about every paper, column by column: ids, titles, hashes and list days.
 * Full records (abstracts, authors, links) stay on disk and are read for the few papers a reply shows.
 */
export class Catalog {
  private constructor(private readonly columns: CatalogColumns) {}

  static fromRecords(records: readonly (IndexedPaper | null)[], sourceRecords: readonly (Paper | null)[], offsets: number[]): Catalog {
    return new Catalog({
      ids: records.map((r) => r?.id ?? null),
      titles: records.map((r) => r?.title ?? ''),
      contentHashes: records.map((r) => r?.contentHash ?? ''),
      recordHashes: sourceRecords.map((r) => (r ? recordHash(r) : '')),
      tldr: records.map((r) => r?.tldrSentence ?? 0),
      upvotes: records.map((r) => r?.upvotes ?? null),
      listings: records.map((r) => r?.listings ?? null),
      offsets,
    });
  }

  static parse(json: string): Catalog {
    return new Catalog(JSON.parse(json) as CatalogColumns);
  }

  serialize(): string {
    return JSON.stringify(this.columns);
  }

  get size(): number {
    return this.columns.ids.length;
  }

  id(label: number): string | null {
    return this.columns.ids[label] ?? null;
  }

  title(label: number): string {
    return this.columns.titles[label]!;
  }

  contentHash(label: number): string {
    return this.columns.contentHashes[label]!;
  }

  recordHash(label: number): string {
    return this.columns.recordHashes[label]!;
  }

  tldrSentence(label: number): number {
    return this.columns.tldr[label]!;
  }

  upvotes(label: number): number | undefined {
    return this.columns.upvotes[label] ?? undefined;
  }

  listings(label: number): Listing[] {
    return this.columns.listings[label] ?? [];
  }

  /** Where a label's record lies in papers.jsonl. */
  span(label: number): { offset: number; length: number } {
    return { offset: this.columns.offsets[label]!, length: this.columns.offsets[label + 1]! - this.columns.offsets[label]! };
  }
}
