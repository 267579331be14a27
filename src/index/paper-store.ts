import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import type { Catalog, RecordLocation } from './catalog.js';
import { HashingWriter, type FileEntry } from './file-check.js';
import type { IndexedPaper } from './indexed-paper.js';
import { segmentNumber } from './segments.js';

/** Recently shown papers stay parsed; everything else is one positional read away. */
const CACHED_RECORDS = 2000;

/**
 * Full paper records, read by label on demand from the papers segments (JSONL files, one record per
 * line) where the catalog says each lies. A segment is never changed: a paper whose details change
 * gets its new record in the next generation's segment, and the catalog points there.
 */
export class PaperStore {
  private readonly fds = new Map<number, number>();
  private readonly cache = new LRUCache<number, IndexedPaper>({ max: CACHED_RECORDS });

  constructor(
    dir: string,
    segments: readonly FileEntry[],
    private readonly catalog: Catalog,
  ) {
    try {
      for (const segment of segments) this.fds.set(segmentNumber(segment.name), openSync(join(dir, segment.name), 'r'));
    } catch (error) {
      this.close();
      throw error;
    }
  }

  get(label: number): IndexedPaper {
    const cached = this.cache.get(label);
    if (cached) return cached;
    if (!this.catalog.isLive(label)) throw new Error(`label ${label} holds no paper`);
    const paper = JSON.parse(readRecord(this.fds, this.catalog.location(label)).toString('utf8')) as IndexedPaper;
    this.cache.set(label, paper);
    return paper;
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}

/** The bytes of one record, from the open segment that holds it. */
export function readRecord(fds: ReadonlyMap<number, number>, { segment, offset, length }: RecordLocation): Buffer {
  const fd = fds.get(segment);
  if (fd === undefined) throw new Error(`papers segment ${segment} is not part of this generation`);
  const bytes = Buffer.alloc(length);
  readSync(fd, bytes, 0, length, offset);
  return bytes;
}

/** Appends records to a new papers segment, one JSON line each, and says where each landed. */
export class PaperSegmentWriter {
  private readonly file: HashingWriter;
  readonly number: number;

  constructor(dir: string, name: string) {
    this.file = new HashingWriter(dir, name);
    this.number = segmentNumber(name);
  }

  get bytes(): number {
    return this.file.bytes;
  }

  add(record: IndexedPaper): RecordLocation {
    return this.addRaw(Buffer.from(JSON.stringify(record), 'utf8'));
  }

  /** Adds a record's line as it is (copied from another segment). */
  addRaw(json: Buffer): RecordLocation {
    const location = { segment: this.number, offset: this.file.bytes, length: json.length };
    this.file.write(json);
    this.file.write(NEWLINE);
    return location;
  }

  finish(): Promise<FileEntry> {
    return this.file.finish();
  }

  abandon(): void {
    this.file.abandon();
  }
}

const NEWLINE = Buffer.from('\n');
