import type { Paper } from '../papers/paper.js';
import { recordHash } from './catalog.js';

/** A paper as a build sees it: its id and record hash, enough to plan, and the record, read on demand. */
export interface SourceEntry {
  id: string;
  recordHash: string;
  paper(): Paper;
}

/**
 * The papers a build indexes, in order. A build goes over them a few times (to plan, to embed what
 * the cache lacks, to write), so `each` starts over on every call and must give the same papers in
 * the same order each time; a stream of the sources need never hold them all at once. Reading is
 * synchronous (positional reads of a few records), so the build's loops decide themselves when to
 * yield to the event loop.
 */
export interface PaperStream {
  each(): Iterable<SourceEntry>;
}

/** A paper already in memory. */
class HeldEntry implements SourceEntry {
  readonly id: string;
  readonly recordHash: string;

  constructor(private readonly record: Paper) {
    this.id = record.id;
    this.recordHash = recordHash(record);
  }

  paper(): Paper {
    return this.record;
  }
}

export function papersInMemory(papers: readonly Paper[]): PaperStream {
  const entries = papers.map((paper) => new HeldEntry(paper));
  return { each: () => entries };
}
