import { closeSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Bm25Segment, Bm25SegmentBuilder } from '../search/bm25.js';
import type { BuildPlan, PreparedPaper } from './build-plan.js';
import { Catalog, CatalogBuilder, recordHash, type RecordLocation } from './catalog.js';
import { HashingWriter, type FileEntry } from './file-check.js';
import { linkInto } from './generation.js';
import { GraphSegmentWriter, graphsToMerge, mergeGraphs, type WrittenGraph } from './graph-segments.js';
import type { HierarchicalNSW } from 'hnswlib-node';
import type { Paper } from '../papers/paper.js';
import type { IndexedPaper } from './indexed-paper.js';
import type { Manifest, RangedEntry } from './manifest.js';
import { PaperSegmentWriter, readRecord } from './paper-store.js';
import { SEGMENT_LABELS, SegmentNames, segmentNumber, segmentsToMerge } from './segments.js';
import { SentenceSegmentWriter, SentenceStore } from './sentence-store.js';
import type { IndexSnapshot } from './snapshot.js';

/** A papers segment's offsets are 32-bit: a new one is started well before. */
const MAX_PAPERS_SEGMENT_BYTES = 1 << 30;

type ChangePlan = Extract<BuildPlan, { unchanged: false }>;

/** The sentence and BM25 segments being written for one range of fresh labels. */
interface Ranged {
  sentences: SentenceSegmentWriter;
  lexical: Bm25SegmentBuilder;
  lexicalName: string;
}

export interface WrittenSegments {
  segments: Manifest['segments'];
  catalog: Catalog;
  catalogEntry: FileEntry;
  /** BM25 segments of the generation by file name, to serve from without reading them again. */
  lexical: Map<string, Bm25Segment>;
  /** The graph segments this build wrote, by file name, likewise. */
  graphs: Map<string, HierarchicalNSW>;
  live: number;
}

/**
 * The segments of one generation while it is written: the previous generation's, linked into the
 * new folder, plus new ones for what the build adds, started as needed and rolled over every
 * SEGMENT_LABELS labels; at the end, the newest small ones are merged (see segmentsToMerge) and
 * the catalog is written.
 */
export class SegmentSet {
  readonly catalog: CatalogBuilder;
  private readonly names: SegmentNames;
  private readonly done: Manifest['segments'];
  private readonly lexical = new Map<string, Bm25Segment>();
  private readonly graphs = new Map<string, HierarchicalNSW>();
  private papers?: PaperSegmentWriter;
  private ranged?: Ranged;
  private graph?: GraphSegmentWriter;

  constructor(
    private readonly dir: string,
    private readonly dimension: number,
    private readonly plan: ChangePlan,
    base: IndexSnapshot | undefined,
  ) {
    this.names = new SegmentNames(base?.manifest);
    this.catalog = new CatalogBuilder(plan.labelCount, base?.catalog);
    const kept = base?.manifest.segments ?? { papers: [], sentences: [], lexical: [], graphs: [] };
    for (const entry of Object.values(kept).flat()) linkInto(base!.dir, dir, entry.name);
    this.done = { papers: [...kept.papers], sentences: [...kept.sentences], lexical: [...kept.lexical], graphs: [...kept.graphs] };
    for (const [name, segment] of base?.lexical ?? []) this.lexical.set(name, segment);
  }

  /** A new record for a label (a refreshed paper, or a fresh one's), with what indexing derived from it. */
  async addRecord(label: number, paper: Paper, derived: Pick<IndexedPaper, 'contentHash' | 'tldrSentence'>): Promise<void> {
    if (this.papers && this.papers.bytes > MAX_PAPERS_SEGMENT_BYTES) await this.finishPapers();
    this.papers ??= new PaperSegmentWriter(this.dir, this.names.take('papers'));
    const location = this.papers.add({ ...paper, ...derived });
    const { id, title, upvotes, listings } = paper;
    this.catalog.set(label, { id, title, ...derived, recordHash: recordHash(paper), upvotes, listings, location });
  }

  /** A fresh label: its record, graph node, sentence rows and postings. Fresh labels come in ascending order. */
  async addFresh(label: number, prepared: PreparedPaper, paperVector: Float32Array, sentenceVectors: readonly Float32Array[], tldrSentence: number): Promise<void> {
    await this.addRecord(label, prepared.paper, { contentHash: prepared.contentHash, tldrSentence });
    // One graph for all the fresh labels, which are the plan's last: every label in a full build.
    const firstLabel = this.plan.labelCount - this.plan.fresh;
    this.graph ??= new GraphSegmentWriter(this.dir, this.names.take('graphs'), this.dimension, this.plan.hnsw, { firstLabel, labels: this.plan.fresh });
    this.graph.add(label, paperVector);
    if (this.ranged && label - this.ranged.sentences.firstLabel >= SEGMENT_LABELS) await this.finishRanged();
    this.ranged ??= {
      sentences: new SentenceSegmentWriter(this.dir, this.names.take('sentences'), this.dimension, label),
      lexical: new Bm25SegmentBuilder(label),
      lexicalName: this.names.take('lexical'),
    };
    this.ranged.sentences.write(label, prepared.spans, sentenceVectors);
    while (this.ranged.lexical.nextLabel < label) this.ranged.lexical.add(undefined);
    this.ranged.lexical.add(prepared.paper);
  }

  /** Closes the open segments, merges where due, writes the catalog. */
  async finish(): Promise<WrittenSegments> {
    // hnswlib writes the graph on a libuv thread while this one finishes the other segments.
    const graphWrite = this.graph?.finish();
    graphWrite?.catch(() => undefined); // awaited below
    this.graph = undefined;
    await this.finishPapers();
    await this.finishRanged();
    await this.mergeSentences();
    await this.mergeLexical();
    await this.mergePapers();
    if (graphWrite) this.addGraph(await graphWrite);
    await this.mergeGraphs();
    const parts = this.catalog.serialize();
    const file = new HashingWriter(this.dir, 'catalog.bin');
    for (const part of parts) file.write(part);
    const catalogEntry = await file.finish();
    const catalog = Catalog.parse(Buffer.concat(parts));
    let live = 0;
    for (let label = 0; label < catalog.size; label++) if (catalog.isLive(label)) live++;
    const lexical = new Map(this.done.lexical.map((entry) => [entry.name, this.lexical.get(entry.name)!]));
    return { segments: this.done, catalog, catalogEntry, lexical, graphs: this.graphs, live };
  }

  /** Closes what is open; the caller removes the folder. */
  abandon(): void {
    this.papers?.abandon();
    this.ranged?.sentences.abandon();
  }

  private async finishPapers(): Promise<void> {
    if (!this.papers) return;
    this.done.papers.push(await this.papers.finish());
    this.papers = undefined;
  }

  private async finishRanged(): Promise<void> {
    if (!this.ranged) return;
    const { sentences, lexical, lexicalName } = this.ranged;
    this.ranged = undefined;
    this.done.sentences.push(await sentences.finish());
    this.done.lexical.push(await this.writeLexical(lexicalName, lexical.build()));
  }

  private async writeLexical(name: string, segment: Bm25Segment): Promise<RangedEntry> {
    const file = new HashingWriter(this.dir, name);
    for (const part of segment.serialize()) file.write(part);
    this.lexical.set(name, segment);
    return { ...(await file.finish()), firstLabel: segment.firstLabel, labels: segment.labels };
  }

  private dropMerged(entries: readonly FileEntry[]): void {
    for (const entry of entries) {
      rmSync(join(this.dir, entry.name));
      this.lexical.delete(entry.name);
      this.graphs.delete(entry.name);
    }
  }

  private addGraph({ entry, graph }: WrittenGraph): void {
    this.done.graphs.push(entry);
    this.graphs.set(entry.name, graph);
  }

  private async mergeGraphs(): Promise<void> {
    const merging = this.done.graphs.splice(this.done.graphs.length - graphsToMerge(this.done.graphs.map((e) => e.vectors)));
    if (!merging.length) return;
    const merged = await mergeGraphs(this.dir, merging, this.names.take('graphs'), this.dimension, (label) => this.catalog.isLive(label));
    this.dropMerged(merging);
    this.addGraph(merged);
  }

  private async mergeSentences(): Promise<void> {
    const merging = this.done.sentences.splice(this.done.sentences.length - segmentsToMerge(this.done.sentences.map((e) => e.bytes)));
    if (!merging.length) return;
    const store = SentenceStore.open(this.dir, merging, this.dimension);
    try {
      const first = merging[0]!.firstLabel;
      const writer = new SentenceSegmentWriter(this.dir, this.names.take('sentences'), this.dimension, first);
      const end = merging.at(-1)!.firstLabel + merging.at(-1)!.labels;
      for (let label = first; label < end; label++) if (this.catalog.isLive(label)) writer.copy(label, store.get(label));
      this.done.sentences.push(await writer.finish());
    } finally {
      store.close();
    }
    this.dropMerged(merging);
  }

  private async mergeLexical(): Promise<void> {
    const merging = this.done.lexical.splice(this.done.lexical.length - segmentsToMerge(this.done.lexical.map((e) => e.bytes)));
    if (!merging.length) return;
    const merged = Bm25SegmentBuilder.merge(
      merging.map((entry) => this.lexical.get(entry.name)!),
      (label) => this.catalog.isLive(label),
    );
    const entry = await this.writeLexical(this.names.take('lexical'), merged);
    this.dropMerged(merging);
    this.done.lexical.push(entry);
  }

  /** Copies the live records of the merged papers segments into one, and points the catalog there. */
  private async mergePapers(): Promise<void> {
    const merging = this.done.papers.splice(this.done.papers.length - segmentsToMerge(this.done.papers.map((e) => e.bytes)));
    if (!merging.length) return;
    const fds = new Map(merging.map((entry) => [segmentNumber(entry.name), openSync(join(this.dir, entry.name), 'r')]));
    try {
      const writer = new PaperSegmentWriter(this.dir, this.names.take('papers'));
      const moved: [number, RecordLocation][] = [];
      for (let label = 0; label < this.catalog.labels; label++) {
        if (!this.catalog.isLive(label)) continue;
        const location = this.catalog.location(label);
        if (fds.has(location.segment)) moved.push([label, writer.addRaw(readRecord(fds, location))]);
      }
      this.done.papers.push(await writer.finish());
      for (const [label, location] of moved) this.catalog.move(label, location);
    } finally {
      for (const fd of fds.values()) closeSync(fd);
    }
    this.dropMerged(merging);
  }
}
