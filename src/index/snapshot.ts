import { normalizeTitle } from '../papers/paper.js';
import type { Bm25Index, Bm25Segment } from '../search/bm25.js';
import type { Catalog } from './catalog.js';
import type { GraphSet, Neighbour } from './graph-set.js';
import type { LabelLookup } from './id-table.js';
import type { IndexedPaper } from './indexed-paper.js';
import type { Manifest } from './manifest.js';
import type { PaperStore } from './paper-store.js';
import type { SentenceStore } from './sentence-store.js';
import { runToEnd } from '../util/cooperative.js';

/** A live paper's title, normalized once for lookups. */
export interface TitleEntry {
  label: number;
  title: string;
  /** normalizeTitle(title), computed once. */
  normalized: string;
}

/** What a snapshot is made of, read from its generation's files. */
export interface SnapshotParts {
  catalog: Catalog;
  /** Every live paper's label by its id (Catalog.labelsById). */
  labelById: LabelLookup;
  records: PaperStore;
  graphs: GraphSet;
  sentences: SentenceStore;
  bm25: Bm25Index;
  /** The BM25 segments bm25 reads, by file name: the next build keeps those it links. */
  lexical: ReadonlyMap<string, Bm25Segment>;
}

/**
 * One immutable, fully loaded index generation. Queries read a snapshot; a reload builds a new one
 * beside it and swaps the reference, so a query never sees half of each.
 */
export class IndexSnapshot {
  readonly loadedAt = new Date();
  readonly catalog: Catalog;
  readonly labelById: LabelLookup;
  readonly graphs: GraphSet;
  readonly sentences: SentenceStore;
  readonly bm25: Bm25Index;
  readonly lexical: ReadonlyMap<string, Bm25Segment>;
  private readonly records: PaperStore;
  private titleEntries?: TitleEntry[];
  private listingIndex?: Map<string, number[]>;
  private listingJob?: Generator<void>;

  constructor(
    readonly manifest: Manifest,
    readonly dir: string,
    parts: SnapshotParts,
  ) {
    ({ catalog: this.catalog, labelById: this.labelById, records: this.records, graphs: this.graphs, sentences: this.sentences, bm25: this.bm25, lexical: this.lexical } = parts);
  }

  /** Live papers (openSnapshot checked the catalog's against the manifest's). */
  get count(): number {
    return this.manifest.count;
  }

  isLive(label: number): boolean {
    return this.catalog.isLive(label);
  }

  /** The full record of a live paper (read from disk, then kept among the recently used). */
  paper(label: number): IndexedPaper {
    return this.records.get(label);
  }

  /** Every live label, in order. */
  *liveLabels(): Generator<number> {
    for (let label = 0; label < this.catalog.size; label++) if (this.isLive(label)) yield label;
  }

  /** Normalized titles for lookups, computed on first use: start-up need not pay for them. */
  get titles(): TitleEntry[] {
    this.titleEntries ??= [...this.liveLabels()].map((label) => {
      const title = this.catalog.title(label);
      return { label, title, normalized: normalizeTitle(title) };
    });
    return this.titleEntries;
  }

  /** Labels listed on each day: found in the background once the snapshot is live (see warmSteps), or at once by the first to need them. */
  get listings(): Map<string, number[]> {
    if (!this.listingIndex) runToEnd(this.listingSteps());
    return this.listingIndex!;
  }

  /** The listing index, a label per step; one job, so that steps taken in the background count for the first use. */
  private listingSteps(): Generator<void> {
    this.listingJob ??= (function* (snapshot: IndexSnapshot): Generator<void> {
      const index = new Map<string, number[]>();
      try {
        for (const label of snapshot.liveLabels()) {
          for (const { date } of snapshot.catalog.listings(label)) {
            const day = index.get(date);
            if (day) day.push(label);
            else index.set(date, [label]);
          }
          yield;
        }
      } catch (error) {
        snapshot.listingJob = undefined; // the next use starts over, and hears of the failure itself
        throw error;
      }
      snapshot.listingIndex = index;
    })(this);
    return this.listingJob;
  }

  /**
   * What the first questions would otherwise pay for, a step at a time (see util/cooperative.ts):
   * each BM25 term's bound, then the listing index (a pass over the catalog, 1.6 s at 1M papers).
   */
  *warmSteps(): Generator<void> {
    yield* this.bm25.boundSteps();
    yield* this.listingSteps();
  }

  /** Approximate nearest papers to a unit vector, best first. */
  nearest(vector: Float32Array, n: number, exclude?: number): Neighbour[] {
    const k = Math.min(n + (exclude === undefined ? 0 : 1), this.count);
    if (k <= 0) return [];
    return this.graphs
      .nearest(vector, k)
      .filter((n) => n.label !== exclude)
      .slice(0, n);
  }

  vector(label: number): Float32Array {
    return this.graphs.vector(label);
  }

  close(): void {
    this.sentences.close();
    this.records.close();
    this.graphs.close();
  }
}
