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
 * the same order each time; a stream of the sources need never hold them all at once.
 */
export interface PaperStream {
  each(): AsyncIterable<SourceEntry>;
}

export function papersInMemory(papers: readonly Paper[]): PaperStream {
  const entries = papers.map((paper): SourceEntry => ({ id: paper.id, recordHash: recordHash(paper), paper: () => paper }));
  return {
    async *each() {
      yield* entries;
    },
  };
}
