import { createHash } from 'node:crypto';
import { paperPassage, type Paper } from '../papers/paper.js';
import { splitSentences, type Span } from '../text/sentences.js';
import { recordHash, type Catalog } from './catalog.js';
import { textHash } from './embedding-cache.js';
import type { LabelLookup } from './id-table.js';
import type { Manifest } from './manifest.js';
import type { SourceEntry } from './paper-stream.js';

/** A paper from the sources, with what the build derives from its text before any embedding. */
export interface PreparedPaper {
  paper: Paper;
  contentHash: string;
  spans: Span[];
  sentences: string[];
}

/** What becomes of an incoming paper. */
export const Decision = {
  /** Unchanged: its label, vectors, record and catalog entry are the previous generation's. */
  Kept: 0,
  /** Same text, other details (upvotes, listings…): its label and vectors stay, its record is written anew. */
  Refreshed: 1,
  /** New or changed text: embedded, added to the graph on a new label. */
  Fresh: 2,
} as const;
export type Decision = (typeof Decision)[keyof typeof Decision];

export interface PlanCounts {
  added: number;
  updated: number;
  removed: number;
  /** Papers whose text is unchanged but whose details (upvotes, listings…) changed. */
  refreshed: number;
}

export type BuildPlan =
  | { unchanged: true; digest: string }
  | {
      unchanged: false;
      digest: string;
      /** Per incoming paper, in order: what becomes of it… */
      decisions: Uint8Array;
      /** …and its label in the next generation. */
      labels: Uint32Array;
      /** Labels of the next generation, live or dead. */
      labelCount: number;
      /** Papers to embed and add to the graph: the last labels, in order. */
      fresh: number;
      /** Build on the previous generation (link its segments, add to them) in place of building a new one. */
      incremental: boolean;
      /** HNSW parameters of the graph, recorded in the manifest. */
      hnsw: { m: number; efConstruction: number };
      counts: PlanCounts;
    };

/** What the plan reads of the previous generation: a loaded IndexSnapshot has all of it. */
export interface PlanBase {
  manifest: Pick<Manifest, 'corpusDigest' | 'hnsw'>;
  catalog: Pick<Catalog, 'size' | 'isLive' | 'contentHash' | 'recordHash'>;
  labelById: LabelLookup;
}

const DIGEST_BATCH = 4096;

// Deleted labels still cost memory and search time; past this share the graph is rebuilt.
const MAX_DELETED_SHARE = 0.2;

export function preparePaper(paper: Paper): PreparedPaper {
  const spans = splitSentences(paper.abstract);
  return {
    paper,
    contentHash: textHash(paperPassage(paper)),
    spans,
    sentences: spans.map((s) => paper.abstract.slice(s.start, s.end)),
  };
}

/**
 * Decides what the next generation is, one incoming paper at a time, without any I/O, so the papers
 * can stream past (a million need not be in memory at once): which keep their label as they are,
 * which keep it with a new record, which are embedded onto a new label, which labels die, and whether
 * the previous generation is updated or rebuilt. Each paper is hashed once: its record hash says
 * whether anything changed; only then is its text hashed, to say whether it must be embedded again.
 */
export class Planner {
  private readonly digest = createHash('sha256');
  private readonly digesting: string[] = [];
  private readonly decisions: Decision[] = [];
  private readonly previousLabels: number[] = [];
  private readonly carried: Uint8Array;
  private readonly counts = { added: 0, updated: 0, removed: 0, refreshed: 0 };
  private fresh = 0;

  constructor(
    private readonly previous?: PlanBase,
    private readonly force = false,
  ) {
    this.carried = new Uint8Array(previous?.catalog.size ?? 0);
  }

  add(entry: SourceEntry): void {
    const hash = entry.recordHash;
    this.digesting.push(hash);
    if (this.digesting.length === DIGEST_BATCH) this.flushDigest();
    const label = this.previous?.labelById.get(entry.id);
    if (label === undefined) {
      this.counts.added++;
      this.push(Decision.Fresh, 0);
      return;
    }
    const { catalog } = this.previous!;
    if (hash === catalog.recordHash(label)) return this.carry(Decision.Kept, label);
    if (textHash(paperPassage(entry.paper())) === catalog.contentHash(label)) {
      this.counts.refreshed++;
      return this.carry(Decision.Refreshed, label);
    }
    this.counts.updated++;
    this.push(Decision.Fresh, 0);
  }

  finish(hnsw: { m: number; efConstruction: number }): BuildPlan {
    this.flushDigest();
    const digest = this.digest.digest('hex');
    const { previous } = this;
    if (previous && !this.force && previous.manifest.corpusDigest === digest) return { unchanged: true, digest };
    let deadBefore = 0;
    let dying = 0;
    for (let label = 0; label < this.carried.length; label++) {
      if (!previous!.catalog.isLive(label)) deadBefore++;
      else if (!this.carried[label]) dying++;
    }
    // A label that dies held either a paper now gone (removed) or one whose text changed (updated, on a new label).
    const counts = { ...this.counts, removed: dying - this.counts.updated };
    const labelCount = this.carried.length + this.fresh;
    const incremental = Boolean(previous) && !this.force && (deadBefore + dying) / Math.max(1, labelCount) <= MAX_DELETED_SHARE;
    const decisions = Uint8Array.from(this.decisions);
    const labels = new Uint32Array(decisions.length);
    let next = incremental ? this.carried.length : 0;
    for (let i = 0; i < decisions.length; i++) {
      if (!incremental) {
        decisions[i] = Decision.Fresh;
        labels[i] = next++;
      } else labels[i] = decisions[i] === Decision.Fresh ? next++ : this.previousLabels[i]!;
    }
    return {
      unchanged: false,
      digest,
      decisions,
      labels,
      labelCount: next,
      fresh: incremental ? this.fresh : decisions.length,
      incremental,
      hnsw: incremental ? previous!.manifest.hnsw : { m: hnsw.m, efConstruction: hnsw.efConstruction },
      counts,
    };
  }

  /** Record hashes reach the digest in batches: one update per hash costs more than the hashing. */
  private flushDigest(): void {
    if (this.digesting.length) this.digest.update(`${this.digesting.join('\n')}\n`);
    this.digesting.length = 0;
  }

  private carry(decision: Decision, label: number): void {
    this.carried[label] = 1;
    this.push(decision, label);
  }

  private push(decision: Decision, label: number): void {
    if (decision === Decision.Fresh) this.fresh++;
    this.decisions.push(decision);
    this.previousLabels.push(label);
  }
}

/** The plan at once, for papers in memory. */
export function planBuild(input: { papers: readonly Paper[]; previous?: PlanBase; force?: boolean; hnsw: { m: number; efConstruction: number } }): BuildPlan {
  const planner = new Planner(input.previous, input.force);
  for (const paper of input.papers) planner.add({ id: paper.id, recordHash: recordHash(paper), paper: () => paper });
  return planner.finish(input.hnsw);
}

/** The digest a generation records of the papers it was built from (the planner computes the same). */
export function corpusDigest(papers: Iterable<Paper>): string {
  const hash = createHash('sha256');
  for (const paper of papers) hash.update(recordHash(paper)).update('\n');
  return hash.digest('hex');
}
