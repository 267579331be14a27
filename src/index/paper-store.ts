import { closeSync, openSync, readSync } from 'node:fs';
import { LRUCache } from 'lru-cache';
import type { Catalog } from './catalog.js';
import type { IndexedPaper } from './indexed-paper.js';

/** Recently shown papers stay parsed; everything else is one positional read away. */
const CACHED_RECORDS = 2000;

/** Full paper records, read from papers.jsonl by label on demand. */
export class PaperStore {
  private readonly fd: number;
  private readonly cache = new LRUCache<number, IndexedPaper>({ max: CACHED_RECORDS });

  constructor(
    path: string,
    private readonly catalog: Catalog,
  ) {
    this.fd = openSync(path, 'r');
  }

  get(label: number): IndexedPaper {
    const cached = this.cache.get(label);
    if (cached) return cached;
    const { offset, length } = this.catalog.span(label);
    const bytes = Buffer.alloc(length);
    readSync(this.fd, bytes, 0, length, offset);
    const paper = JSON.parse(bytes.toString('utf8')) as IndexedPaper | null;
    if (!paper) throw new Error(`label ${label} holds no paper`);
    this.cache.set(label, paper);
    return paper;
  }

  close(): void {
    closeSync(this.fd);
  }
}
