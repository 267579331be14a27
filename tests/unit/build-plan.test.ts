import { describe, expect, it } from 'vitest';
import { corpusDigest, planBuild, preparePaper, type BuildPlan, type PlanBase, type PlannedLabel } from '../../src/index/build-plan.js';
import { Catalog } from '../../src/index/catalog.js';
import type { IndexedPaper } from '../../src/index/indexed-paper.js';
import type { Paper } from '../../src/papers/paper.js';

const HNSW = { m: 16, efConstruction: 200 };
const PREVIOUS_HNSW = { m: 8, efConstruction: 100 };

const paper = (id: string, abstract = `Paper ${id} studies things. It finds more things.`, extra: Partial<Paper> = {}): Paper => ({
  id,
  title: `Title ${id}`,
  abstract,
  source: 'test',
  ...extra,
});

/** The previous generation as the plan sees it: built from papers, label i holding papers[i] (null for a dead label). */
function generation(papers: readonly (Paper | null)[]): PlanBase {
  const records: (IndexedPaper | null)[] = papers.map((p, i) => (p ? { ...p, contentHash: preparePaper(p).contentHash, tldrSentence: i % 2 } : null));
  const catalog = Catalog.fromRecords(records, papers, papers.map((_, i) => i).concat(papers.length));
  const labelById = new Map(papers.flatMap((p, label) => (p ? [[p.id, label] as const] : [])));
  return { manifest: { corpusDigest: corpusDigest(papers.filter((p): p is Paper => p !== null)), hnsw: PREVIOUS_HNSW }, catalog, labelById };
}

function changes(plan: BuildPlan): Extract<BuildPlan, { unchanged: false }> {
  if (plan.unchanged) throw new Error('expected a plan with changes');
  return plan;
}

const kinds = (labels: PlannedLabel[]) => labels.map((l) => (l.kind === 'dead' ? 'dead' : `${l.kind}:${l.paper.paper.id}`));

describe('planBuild', () => {
  const ten = Array.from({ length: 10 }, (_, i) => paper(`p${i}`));

  it('plans a full build of every paper when there is no previous generation', () => {
    const plan = changes(planBuild({ papers: ten.slice(0, 3), hnsw: HNSW }));
    expect(kinds(plan.labels)).toEqual(['fresh:p0', 'fresh:p1', 'fresh:p2']);
    expect(plan.fresh).toEqual([0, 1, 2]);
    expect(plan).toMatchObject({ deleted: [], incremental: false, graphChanged: true, hnsw: HNSW });
    expect(plan.counts).toEqual({ added: 3, updated: 0, removed: 0, refreshed: 0 });
    expect(plan.digest).toBe(corpusDigest(ten.slice(0, 3)));
  });

  it('asks for each fresh paper by its content hash, with its sentences', () => {
    const abstract = 'Widgets improve message passing on graphs. They add no parameters at inference time.';
    const plan = changes(planBuild({ papers: [paper('a', abstract)], hnsw: HNSW }));
    expect([...plan.passages.keys()]).toEqual([preparePaper(paper('a', abstract)).contentHash]);
    expect([...plan.passages.values()][0]!.sentences).toEqual(['Widgets improve message passing on graphs.', 'They add no parameters at inference time.']);
  });

  it('is unchanged when the papers are exactly those of the previous generation', () => {
    expect(planBuild({ papers: ten, previous: generation(ten), hnsw: HNSW })).toEqual({ unchanged: true, digest: corpusDigest(ten) });
  });

  it('rebuilds in full when forced, even with nothing changed', () => {
    const plan = changes(planBuild({ papers: ten, previous: generation(ten), force: true, hnsw: HNSW }));
    expect(plan).toMatchObject({ incremental: false, graphChanged: true, hnsw: HNSW });
    expect(plan.fresh).toHaveLength(10);
    expect(plan.counts).toEqual({ added: 0, updated: 0, removed: 0, refreshed: 0 });
  });

  it('keeps unchanged papers on their labels and appends a new one, embedding only it', () => {
    const plan = changes(planBuild({ papers: [...ten, paper('new')], previous: generation(ten), hnsw: HNSW }));
    expect(plan.incremental).toBe(true);
    expect(kinds(plan.labels)).toEqual([...ten.map((p) => `kept:${p.id}`), 'fresh:new']);
    expect(plan.fresh).toEqual([10]);
    expect(plan.deleted).toEqual([]);
    expect(plan.counts).toEqual({ added: 1, updated: 0, removed: 0, refreshed: 0 });
    expect([...plan.passages.values()].map((p) => p.paper.id)).toEqual(['new']);
    // The previous graph's parameters stay: the graph is updated, not rebuilt.
    expect(plan.hnsw).toEqual(PREVIOUS_HNSW);
  });

  it("keeps a kept paper's TL;DR sentence from the previous generation", () => {
    const plan = changes(planBuild({ papers: [...ten, paper('new')], previous: generation(ten), hnsw: HNSW }));
    expect(plan.labels.slice(0, 3).map((l) => (l.kind === 'kept' ? l.tldrSentence : -1))).toEqual([0, 1, 0]);
  });

  it('deletes a removed paper and moves a changed one to a new label', () => {
    const papers = [...ten.slice(0, 9).map((p, i) => (i === 4 ? paper('p4', 'A rewritten abstract. With news.') : p))];
    const plan = changes(planBuild({ papers, previous: generation(ten), hnsw: HNSW }));
    expect(plan.incremental).toBe(true);
    expect(plan.labels[4]).toEqual({ kind: 'dead' });
    expect(plan.labels[9]).toEqual({ kind: 'dead' });
    expect(kinds(plan.labels.slice(10))).toEqual(['fresh:p4']);
    expect(plan.deleted).toEqual([4, 9]);
    expect(plan.fresh).toEqual([10]);
    expect(plan.counts).toEqual({ added: 0, updated: 1, removed: 1, refreshed: 0 });
  });

  it('counts a paper whose details changed but not its text as refreshed, and embeds nothing for it', () => {
    const papers = ten.map((p, i) => (i === 2 ? { ...p, upvotes: 42 } : p));
    const plan = changes(planBuild({ papers, previous: generation(ten), hnsw: HNSW }));
    expect(plan.counts).toEqual({ added: 0, updated: 0, removed: 0, refreshed: 1 });
    expect(plan.labels[2]).toMatchObject({ kind: 'kept', paper: { paper: { upvotes: 42 } } });
    expect(plan.fresh).toEqual([]);
    expect(plan.passages.size).toBe(0);
    // Same texts, same labels: the previous graph file can serve as it is.
    expect(plan.graphChanged).toBe(false);
  });

  it('rebuilds in full once more than a fifth of the labels would be dead, counting each change once', () => {
    const papers = [...ten.slice(3), paper('new')];
    const plan = changes(planBuild({ papers, previous: generation(ten), hnsw: HNSW }));
    expect(plan.incremental).toBe(false);
    expect(kinds(plan.labels)).toEqual(papers.map((p) => `fresh:${p.id}`));
    expect(plan.deleted).toEqual([]);
    expect(plan.counts).toEqual({ added: 1, updated: 0, removed: 3, refreshed: 0 });
    expect(plan.hnsw).toEqual(HNSW);
  });

  it('skips labels already dead in the previous generation without deleting them again', () => {
    const previous = generation([...ten, null]);
    const plan = changes(planBuild({ papers: [...ten, paper('new')], previous, hnsw: HNSW }));
    expect(plan.labels[10]).toEqual({ kind: 'dead' });
    expect(plan.deleted).toEqual([]);
    expect(plan.fresh).toEqual([11]);
  });

  it('is the same plan for the same input', () => {
    const input = { papers: [...ten.slice(1), paper('new')], previous: generation(ten), hnsw: HNSW };
    expect(planBuild(input)).toEqual(planBuild(input));
  });
});
