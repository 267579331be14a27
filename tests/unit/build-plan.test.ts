import { describe, expect, it } from 'vitest';
import { corpusDigest, Decision, planBuild, preparePaper, type BuildPlan, type PlanBase } from '../../src/index/build-plan.js';
import { Catalog, CatalogBuilder, recordHash } from '../../src/index/catalog.js';
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

/** The previous generation as the plan sees it: label i holding papers[i] (null for a dead label). */
function generation(papers: readonly (Paper | null)[]): PlanBase {
  const builder = new CatalogBuilder(papers.length);
  papers.forEach((p, label) => {
    if (!p) return;
    const { id, title } = p;
    builder.set(label, { id, title, contentHash: preparePaper(p).contentHash, recordHash: recordHash(p), tldrSentence: label % 2, location: { segment: 1, offset: label, length: 1 } });
  });
  const catalog = Catalog.parse(Buffer.concat(builder.serialize()));
  const labelById = new Map(papers.flatMap((p, label) => (p ? [[p.id, label] as const] : [])));
  return { manifest: { corpusDigest: corpusDigest(papers.filter((p): p is Paper => p !== null)), hnsw: PREVIOUS_HNSW }, catalog, labelById };
}

function changes(plan: BuildPlan): Extract<BuildPlan, { unchanged: false }> {
  if (plan.unchanged) throw new Error('expected a plan with changes');
  return plan;
}

const NAMES = { [Decision.Kept]: 'kept', [Decision.Refreshed]: 'refreshed', [Decision.Fresh]: 'fresh' } as const;
/** Each incoming paper as "decision:id@label". */
const placed = (plan: Extract<BuildPlan, { unchanged: false }>, papers: readonly Paper[]) =>
  papers.map((p, i) => `${NAMES[plan.decisions[i] as Decision]}:${p.id}@${plan.labels[i]}`);

describe('planBuild', () => {
  const ten = Array.from({ length: 10 }, (_, i) => paper(`p${i}`));

  it('plans a full build of every paper when there is no previous generation', () => {
    const plan = changes(planBuild({ papers: ten.slice(0, 3), hnsw: HNSW }));
    expect(placed(plan, ten.slice(0, 3))).toEqual(['fresh:p0@0', 'fresh:p1@1', 'fresh:p2@2']);
    expect(plan).toMatchObject({ fresh: 3, labelCount: 3, incremental: false, hnsw: HNSW });
    expect(plan.counts).toEqual({ added: 3, updated: 0, removed: 0, refreshed: 0 });
    expect(plan.digest).toBe(corpusDigest(ten.slice(0, 3)));
  });

  it('prepares a paper with its sentences and where each sits in the abstract', () => {
    const abstract = 'Widgets improve message passing on graphs. They add no parameters at inference time.';
    const prepared = preparePaper(paper('a', abstract));
    expect(prepared.sentences).toEqual(['Widgets improve message passing on graphs.', 'They add no parameters at inference time.']);
    expect(prepared.spans.map((span) => abstract.slice(span.start, span.end))).toEqual(prepared.sentences);
  });

  it('is unchanged when the papers are exactly those of the previous generation', () => {
    expect(planBuild({ papers: ten, previous: generation(ten), hnsw: HNSW })).toEqual({ unchanged: true, digest: corpusDigest(ten) });
  });

  it('rebuilds in full when forced, even with nothing changed', () => {
    const plan = changes(planBuild({ papers: ten, previous: generation(ten), force: true, hnsw: HNSW }));
    expect(plan).toMatchObject({ incremental: false, hnsw: HNSW, fresh: 10, labelCount: 10 });
    expect(placed(plan, ten)).toEqual(ten.map((p, i) => `fresh:${p.id}@${i}`));
    expect(plan.counts).toEqual({ added: 0, updated: 0, removed: 0, refreshed: 0 });
  });

  it('keeps unchanged papers on their labels and appends a new one, embedding only it', () => {
    const papers = [...ten, paper('new')];
    const plan = changes(planBuild({ papers, previous: generation(ten), hnsw: HNSW }));
    expect(plan.incremental).toBe(true);
    expect(placed(plan, papers)).toEqual([...ten.map((p, i) => `kept:${p.id}@${i}`), 'fresh:new@10']);
    expect(plan).toMatchObject({ fresh: 1, labelCount: 11 });
    expect(plan.counts).toEqual({ added: 1, updated: 0, removed: 0, refreshed: 0 });
    // The previous graph's parameters stay: the graph is updated, not rebuilt.
    expect(plan.hnsw).toEqual(PREVIOUS_HNSW);
  });

  it('places a new paper after every previous label, wherever it comes in the sources', () => {
    const papers = [paper('new'), ...ten];
    const plan = changes(planBuild({ papers, previous: generation(ten), hnsw: HNSW }));
    expect(placed(plan, papers)[0]).toBe('fresh:new@10');
    expect(placed(plan, papers).slice(1)).toEqual(ten.map((p, i) => `kept:${p.id}@${i}`));
  });

  it('deletes a removed paper and moves a changed one to a new label', () => {
    const papers = [...ten.slice(0, 9).map((p, i) => (i === 4 ? paper('p4', 'A rewritten abstract. With news.') : p))];
    const plan = changes(planBuild({ papers, previous: generation(ten), hnsw: HNSW }));
    expect(plan.incremental).toBe(true);
    expect(placed(plan, papers)[4]).toBe('fresh:p4@10');
    expect(plan).toMatchObject({ fresh: 1, labelCount: 11 });
    expect(plan.counts).toEqual({ added: 0, updated: 1, removed: 1, refreshed: 0 });
  });

  it('counts a paper whose details changed but not its text as refreshed, and embeds nothing for it', () => {
    const papers = ten.map((p, i) => (i === 2 ? { ...p, upvotes: 42 } : p));
    const plan = changes(planBuild({ papers, previous: generation(ten), hnsw: HNSW }));
    expect(plan.counts).toEqual({ added: 0, updated: 0, removed: 0, refreshed: 1 });
    expect(placed(plan, papers)[2]).toBe('refreshed:p2@2');
    // Same texts, same labels: no graph to add.
    expect(plan.fresh).toBe(0);
  });

  it('rebuilds in full once more than a fifth of the labels would be dead, counting each change once', () => {
    const papers = [...ten.slice(3), paper('new')];
    const plan = changes(planBuild({ papers, previous: generation(ten), hnsw: HNSW }));
    expect(plan.incremental).toBe(false);
    expect(placed(plan, papers)).toEqual(papers.map((p, i) => `fresh:${p.id}@${i}`));
    expect(plan.counts).toEqual({ added: 1, updated: 0, removed: 3, refreshed: 0 });
    expect(plan.hnsw).toEqual(HNSW);
  });

  it('skips labels already dead in the previous generation without deleting them again', () => {
    const previous = generation([...ten, null]);
    const papers = [...ten, paper('new')];
    const plan = changes(planBuild({ papers, previous, hnsw: HNSW }));
    expect(plan.counts.removed).toBe(0);
    expect(placed(plan, papers).at(-1)).toBe('fresh:new@11');
    expect(plan.labelCount).toBe(12);
  });

  it('is the same plan for the same input', () => {
    const input = { papers: [...ten.slice(1), paper('new')], previous: generation(ten), hnsw: HNSW };
    expect(planBuild(input)).toEqual(planBuild(input));
  });
});
