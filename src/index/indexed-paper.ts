import type { Paper } from '../papers/paper.js';

/** A paper as stored in the index: its record plus what indexing derived from it. */
export interface IndexedPaper extends Paper {
  /** Hash of the embedded passage; a different hash means the paper must be embedded again. */
  contentHash: string;
  /** Index of the abstract sentence that best stands for the whole paper. */
  tldrSentence: number;
}
