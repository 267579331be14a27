import { createHash } from 'node:crypto';
import { paperPassage, type Paper } from '../papers/paper.js';
import { splitSentences, type Span } from '../text/sentences.js';
import { runToEnd } from '../util/cooperative.js';
import { recordHash, type Catalog } from './catalog.js';
import { textHash } from './embedding-cache.js';
import type { Manifest } from './manifest.js';

/** A paper from the sources, with what the build derives from its text before any embedding. */
export interface PreparedPaper {
  paper: Paper;
  contentHash: string;
  spans: Span[];
  sentences: string[];
}

/** What a label of the next generation holds. */
export type PlannedLabel =
  /** Nothing: the paper was removed or replaced (a dead label, skipped until the next full rebuild). */
  | { kind: 'dead' }
  /** An unchanged text: its vectors, sentence rows and TL;DR sentence are reused from the previous generation. */
  | { kind: 'kept'; paper: PreparedPaper; tldrSentence: number }
  /** A new or changed text: embedded, added to the graph, its TL;DR sentence chosen anew. */
  | { kind: 'fresh'; paper: PreparedPaper };

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
      /** The next generation's labels, in order. */
      labels: PlannedLabel[];
      /** Labels to embed and add to the graph, in order. */
      fresh: number[];
      /** Labels live in the previous graph that are to be marked deleted there. */
      deleted: number[];
      /** Update the previous graph in place of building a new one. */
      incremental: boolean;
      /** False when the previous graph file can be reused as it is. */
      graphChanged: boolean;
      /** The papers whose vectors (passage and sentences) the build needs, by content hash; the cache supplies those it already has. */
      passages: Map<string, PreparedPaper>;
      /** HNSW parameters of the graph, recorded in the manifest. */
      hnsw: { m: number; efConstruction: number };
      counts: PlanCounts;
    };

/** What the plan reads of the previous generation: a loaded IndexSnapshot has all of it. */
export interface PlanBase {
  manifest: Pick<Manifest, 'corpusDigest' | 'hnsw'>;
  catalog: Pick<Catalog, 'size' | 'id' | 'contentHash' | 'recordHash' | 'tldrSentence'>;
  labelById: ReadonlyMap<string, number>;
}

export interface PlanInput {
  papers: readonly Paper[];
  previous?: PlanBase;
  /** Rebuild the graph from scratch even when an incremental update would do. */
  force?: boolean;
  hnsw: { m: number; efConstruction: number };
}

// Deleted labels still cost memory and search time; past this share the graph is rebuilt.
const MAX_DELETED_SHARE = 0.2;

export function* corpusDigestSteps(papers: readonly Paper[]): Generator<void, string> {
  const hash = createHash('sha256');
  for (const paper of papers) {
    hash.update(JSON.stringify(paper)).update('\n');
    yield;
  }
  return hash.digest('hex');
}

export function corpusDigest(papers: readonly Paper[]): string {
  return runToEnd(corpusDigestSteps(papers));
}

export function preparePaper(paper: Paper): PreparedPaper {
  const spans = splitSentences(paper.abstract);
  return {
    paper,
    contentHash: textHash(paperPassage(paper)),
    spans,
    sentences: spans.map((s) => paper.abstract.slice(s.start, s.end)),
  };
}

type LabelPlan = Pick<Extract<BuildPlan, { unchanged: false }>, 'labels' | 'fresh' | 'deleted' | 'incremental' | 'counts'>;

/** Keeps every unchanged paper on its label and appends the new ones; undefined when too many labels would be dead. */
function* incrementalSteps(prepared: readonly PreparedPaper[], previous: PlanBase): Generator<void, LabelPlan | undefined> {
  const counts = { added: 0, updated: 0, removed: 0, refreshed: 0 };
  const incoming = new Map(prepared.map((p) => [p.paper.id, p]));
  const labels: PlannedLabel[] = [];
  const kept = new Set<string>();
  const deleted: number[] = [];
  const { catalog } = previous;
  for (let label = 0; label < catalog.size; label++) {
    yield;
    const id = catalog.id(label);
    const next = id === null ? undefined : incoming.get(id);
    if (id !== null && next && next.contentHash === catalog.contentHash(label)) {
      labels[label] = { kind: 'kept', paper: next, tldrSentence: catalog.tldrSentence(label) };
      kept.add(id);
      if (recordHash(next.paper) !== catalog.recordHash(label)) counts.refreshed++;
    } else {
      labels[label] = { kind: 'dead' };
      if (id !== null) {
        deleted.push(label);
        if (next) counts.updated++;
        else counts.removed++;
      }
    }
  }
  const fresh: number[] = [];
  for (const p of prepared) {
    if (kept.has(p.paper.id)) continue;
    if (!previous.labelById.has(p.paper.id)) counts.added++;
    fresh.push(labels.length);
    labels.push({ kind: 'fresh', paper: p });
  }
  const dead = labels.filter((l) => l.kind === 'dead').length;
  if (dead / Math.max(1, labels.length) > MAX_DELETED_SHARE) return undefined;
  return { labels, fresh, deleted, incremental: true, counts };
}

/** Every paper on a new label, in source order. */
function fullRebuild(prepared: readonly PreparedPaper[], previous: PlanBase | undefined): LabelPlan {
  const counts = { added: 0, updated: 0, removed: 0, refreshed: 0 };
  for (const p of prepared) {
    const old = previous?.labelById.get(p.paper.id);
    if (old === undefined) counts.added++;
    else if (previous!.catalog.contentHash(old) !== p.contentHash) counts.updated++;
  }
  if (previous) {
    const incoming = new Set(prepared.map((p) => p.paper.id));
    counts.removed = [...previous.labelById.keys()].filter((id) => !incoming.has(id)).length;
  }
  const labels = prepared.map((paper): PlannedLabel => ({ kind: 'fresh', paper }));
  return { labels, fresh: prepared.map((_, i) => i), deleted: [], incremental: false, counts };
}

/**
 * Decides what the next generation is, from the sources and the previous generation, without any I/O:
 * which labels keep their vectors, which texts to embed, which labels to add to or delete from the
 * graph, and whether the graph is updated in place or rebuilt. A step-by-step job (see util/cooperative.ts).
 */
export function* planSteps(input: PlanInput): Generator<void, BuildPlan> {
  const { papers, previous, force = false } = input;
  const digest = yield* corpusDigestSteps(papers);
  if (previous && !force && previous.manifest.corpusDigest === digest) return { unchanged: true, digest };

  const prepared: PreparedPaper[] = [];
  for (const paper of papers) {
    prepared.push(preparePaper(paper));
    yield;
  }
  const plan = (previous && !force ? yield* incrementalSteps(prepared, previous) : undefined) ?? fullRebuild(prepared, previous);

  // Vectors are needed for fresh labels only (all of them on a full rebuild): kept papers' sentence
  // rows are copied from the previous store, and their graph points stay.
  const passages = new Map<string, PreparedPaper>();
  for (const label of plan.fresh) {
    const { paper } = plan.labels[label] as Extract<PlannedLabel, { kind: 'fresh' }>;
    passages.set(paper.contentHash, paper);
  }
  return {
    unchanged: false,
    digest,
    ...plan,
    graphChanged: !plan.incremental || plan.fresh.length > 0 || plan.deleted.length > 0,
    passages,
    hnsw: plan.incremental ? previous!.manifest.hnsw : { m: input.hnsw.m, efConstruction: input.hnsw.efConstruction },
  };
}

/** The plan at once, for callers that need not yield to the event loop. */
export function planBuild(input: PlanInput): BuildPlan {
  return runToEnd(planSteps(input));
}
