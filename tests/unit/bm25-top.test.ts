import { describe, expect, it } from 'vitest';
import { foldTerms } from '../../src/engine/follow-up.js';
import { Bm25Index, Bm25Segment, topN, type Bm25Document } from '../../src/search/bm25.js';
import { seek, TopCollector } from '../../src/search/max-score.js';
import { runToEnd } from '../../src/util/cooperative.js';
import { prng } from '../../bench/harness/random.js';

// Words of very different frequencies, so that some query terms are common (pruned) and some rare.
const VOCABULARY = ['model', 'data', 'learning', 'graph', 'attention', 'kernel', 'molecule', 'protein', 'scaling', 'sparse', 'vision', 'robot', 'quantum', 'retrieval', 'diffusion', 'tabular'];

function corpus(size: number, seed: number): Bm25Document[] {
  const random = prng(seed);
  // Word i is drawn with weight 1 / (i + 1): "model" in most documents, "tabular" in few.
  const word = () => VOCABULARY[Math.floor(VOCABULARY.length ** random()) - 1]!;
  const words = (n: number) => Array.from({ length: n }, word).join(' ');
  return Array.from({ length: size }, () => ({ title: words(1 + Math.floor(random() * 4)), abstract: words(Math.floor(random() * 40)) }));
}

/** An index over the documents in segments of `per` labels, with the labels `dead` removed. */
function segmented(documents: readonly Bm25Document[], per: number, dead: ReadonlySet<number>): Bm25Index {
  const segments: Bm25Segment[] = [];
  for (let first = 0; first < documents.length; first += per) segments.push(runToEnd(Bm25Segment.buildSteps(first, documents.slice(first, first + per))));
  // Out of label order, as a manifest may list them: the index sorts them.
  return new Bm25Index(segments.reverse(), documents.length, (label) => !dead.has(label));
}

const QUERIES = ['quantum kernel', 'model data learning', 'sparse attention for vision', 'tabular diffusion retrieval robot', 'model', 'protein protein molecule graph', 'nothing here'];

describe('Bm25Index.top', () => {
  const documents = corpus(3000, 11);
  const dead = new Set(Array.from({ length: 3000 }, (_, i) => i).filter((i) => i % 13 === 5));
  const index = segmented(documents, 700, dead);
  const isLive = (label: number) => !dead.has(label);

  it('keeps the documents and scores of scoring every document', () => {
    for (const query of QUERIES) {
      for (const n of [1, 5, 50, 400]) {
        const all = index.scores(query);
        const expected = topN(all, n, isLive);
        const got = index.top(index.termWeights(query), n);
        expect(got.length, `${query} @${n}`).toBe(expected.length);
        // Rank by rank the same score, each from a document whose full score it is. Sums taken in
        // another term order may differ in the last bits, so two tied documents may swap.
        got.forEach((s, i) => {
          expect(s.score).toBeCloseTo(expected[i]!.score, 9);
          expect(all[s.label]).toBeCloseTo(s.score, 9);
          expect(isLive(s.label)).toBe(true);
        });
      }
    }
    expect(index.top(index.termWeights('model'), 400)).toHaveLength(400);
  });

  it('leaves its accumulator clean between calls', () => {
    const first = index.top(index.termWeights('quantum kernel'), 50);
    index.top(index.termWeights('model data learning'), 7);
    expect(index.top(index.termWeights('quantum kernel'), 50)).toEqual(first);
  });

  it('applies the candidate filter as topN does', () => {
    const even = (label: number) => isLive(label) && label % 2 === 0;
    const expected = topN(index.scores('sparse attention for vision'), 30, even);
    const got = index.top(index.termWeights('sparse attention for vision'), 30, (label) => label % 2 === 0);
    expect(got).toHaveLength(30);
    got.forEach((s, i) => expect([s.label % 2, s.score]).toEqual([0, expect.closeTo(expected[i]!.score, 9)]));
  });

  it('scores one document as scoring every document does, and a dead one as 0', () => {
    const scores = index.scores('protein protein molecule graph');
    const weights = index.termWeights('protein protein molecule graph');
    for (const label of [0, 1, 699, 700, 1401, 2999]) expect(index.score(weights, label)).toBeCloseTo(isLive(label) ? scores[label]! : 0, 9);
    expect(index.score(weights, 5)).toBe(0); // dead
    expect(index.score(weights, 3000)).toBe(0); // past the last label
  });

  it('finds every bound ahead of use, a step per term and segment, and answers the same after', () => {
    const segments = [0, 1000, 2000].map((first) => runToEnd(Bm25Segment.buildSteps(first, documents.slice(first, first + 1000))));
    const warmed = new Bm25Index(segments, documents.length, isLive);
    let steps = 0;
    for (const _ of warmed.boundSteps()) steps++;
    expect(steps).toBe(segments.reduce((sum, segment) => sum + [...segment.entries()].length, 0));
    const cold = new Bm25Index(segments, documents.length, isLive);
    for (const query of QUERIES) expect(warmed.top(warmed.termWeights(query), 50), query).toEqual(cold.top(cold.termWeights(query), 50));
  });

  it('ranks a follow-up by the same mix of its turns as mixing their scores', () => {
    const folded = foldTerms(['quantum kernel retrieval', 'what about diffusion'].map((q) => index.termWeights(q)), 0.6);
    const [a, b] = [index.scores('quantum kernel retrieval'), index.scores('what about diffusion')];
    const mixed = a.map((x, i) => 0.4 * x + 0.6 * b[i]!);
    const got = index.top(folded, 20);
    const expected = topN(mixed, 20, isLive);
    got.forEach((s, i) => expect(mixed[s.label]).toBeCloseTo(expected[i]!.score, 9));
    expect(got.length).toBe(20);
  });
});

describe('seek', () => {
  it('finds the first row at or after a document, from any position', () => {
    const docs = Uint32Array.from([2, 3, 5, 8, 13, 21, 34, 55, 89]);
    const at = (position: number, doc: number) => {
      const cursor = { docs, position, end: docs.length };
      seek(cursor, doc);
      return cursor.position;
    };
    expect([at(0, 1), at(0, 2), at(0, 4), at(0, 55), at(3, 56), at(0, 90)]).toEqual([0, 0, 2, 7, 8, 9]);
    expect(at(5, 3)).toBe(5); // never moves back
  });
});

describe('TopCollector', () => {
  it('keeps the n best positive scores offered in any order, best first, ties by the lower label', () => {
    const top = new TopCollector(3);
    [
      [4, 1],
      [1, 0],
      [2, 3],
      [7, 3],
      [9, 2],
      [3, 3],
    ].forEach(([label, score]) => top.offer(label!, score!));
    expect(top.best).toEqual([
      { label: 2, score: 3 },
      { label: 3, score: 3 },
      { label: 7, score: 3 },
    ]);
    expect(top.threshold).toBe(3);
    top.offer(1, 3); // a tie with a lower label enters
    expect(top.best.map((s) => s.label)).toEqual([1, 2, 3]);
    const none = new TopCollector(0);
    none.offer(1, 5);
    expect(none.best).toEqual([]);
  });
});
