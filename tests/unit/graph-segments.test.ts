import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphSegmentWriter, graphsToMerge, mergeGraphs } from '../../src/index/graph-segments.js';
import { GraphSet } from '../../src/index/graph-set.js';
import type { GraphEntry } from '../../src/index/manifest.js';
import { prng } from '../../bench/harness/random.js';

const DIMENSION = 16;
const PARAMS = { m: 8, efConstruction: 64 };
const dir = mkdtempSync(join(tmpdir(), 'graph-segments-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const random = prng(11);
function unit(): Float32Array {
  const v = Float32Array.from({ length: DIMENSION }, () => random() * 2 - 1);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

let names = 0;
/** Writes a graph segment of the labels of a range, skipping `skip`. */
async function segment(vectors: Map<number, Float32Array>, firstLabel: number, labels: number, skip = new Set<number>()): Promise<GraphEntry> {
  const writer = new GraphSegmentWriter(dir, `graph-${String(++names).padStart(8, '0')}.bin`, DIMENSION, PARAMS, { firstLabel, labels });
  for (let label = firstLabel; label < firstLabel + labels; label++) {
    if (skip.has(label)) continue;
    const v = unit();
    vectors.set(label, v);
    writer.add(label, v);
  }
  return (await writer.finish()).entry;
}

/** hnswlib stores a cosine space's vectors normalized again, in float32. */
function expectSameVector(actual: Float32Array, expected: Float32Array, label: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((x, i) => expect(x, `label ${label}`).toBeCloseTo(expected[i]!, 6));
}

function exactNearest(vectors: Map<number, Float32Array>, query: Float32Array, k: number, isLive: (l: number) => boolean): number[] {
  const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
  return [...vectors].filter(([label]) => isLive(label)).sort((a, b) => dot(b[1], query) - dot(a[1], query)).slice(0, k).map(([label]) => label);
}

describe('graphsToMerge', () => {
  it('leaves a lone segment, or a new one much smaller than the one before it', () => {
    expect(graphsToMerge([])).toBe(0);
    expect(graphsToMerge([100_000])).toBe(0);
    expect(graphsToMerge([100_000, 100])).toBe(0);
    expect(graphsToMerge([100_000, 300, 100])).toBe(0);
  });

  it('merges the newest with each before it while what is merged is at least half that one', () => {
    expect(graphsToMerge([100_000, 100, 100])).toBe(2);
    expect(graphsToMerge([100_000, 300, 100, 100])).toBe(3); // 100+100 ≥ 300/2, then 500 < 50,000
    expect(graphsToMerge([100, 60])).toBe(2);
  });

  it('keeps the segments few over many equal reloads, like a binary counter', () => {
    let sizes = [100_000];
    for (let reload = 0; reload < 1000; reload++) {
      sizes.push(100);
      const n = graphsToMerge(sizes);
      if (n) sizes = [...sizes.slice(0, -n), sizes.slice(-n).reduce((a, b) => a + b, 0)];
      expect(sizes.length).toBeLessThanOrEqual(12);
    }
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(200_000);
  });
});

describe('graph segments searched as one', () => {
  it('finds the nearest live labels across segments, leaving out the dead, and reads every vector back', async () => {
    const vectors = new Map<number, Float32Array>();
    const entries = [await segment(vectors, 0, 300), await segment(vectors, 300, 40, new Set([305])), await segment(vectors, 340, 20)];
    const dead = new Set([3, 17, 310, 355]);
    const isLive = (label: number) => !dead.has(label) && vectors.has(label);
    const graphs = await GraphSet.open(dir, entries, { dimension: DIMENSION, efSearch: 400, isLive });
    try {
      for (let q = 0; q < 20; q++) {
        const query = unit();
        const found = graphs.nearest(query, 10);
        expect(found.map((n) => n.label)).toEqual(exactNearest(vectors, query, 10, isLive));
        expect(found.every((n, i) => i === 0 || n.similarity <= found[i - 1]!.similarity)).toBe(true);
      }
      for (const [label, vector] of vectors) expectSameVector(graphs.vector(label), vector, label);
      expect(() => graphs.vector(360)).toThrow(/no graph segment/);
    } finally {
      graphs.close();
    }
  });

  it('merges newer segments into the oldest, keeping only their live vectors, and searches the same', async () => {
    const vectors = new Map<number, Float32Array>();
    const entries = [await segment(vectors, 0, 50), await segment(vectors, 50, 30), await segment(vectors, 80, 10, new Set([82]))];
    const dead = new Set([10, 55, 85]);
    const isLive = (label: number) => !dead.has(label) && vectors.has(label);
    const { entry, graph } = await mergeGraphs(dir, entries, 'graph-00000900.bin', DIMENSION, isLive);
    // The oldest's 50 (its dead label stays until a full build) and the others' 37 live ones (39 less 55 and 85).
    expect(entry).toMatchObject({ firstLabel: 0, labels: 90, vectors: 50 + 37 });
    expect(graph.getCurrentCount()).toBe(87);
    const lazy = await GraphSet.open(dir, [entry], { dimension: DIMENSION, efSearch: 200, isLive, lazy: true });
    try {
      expect(lazy.held().size).toBe(0); // nothing read until searched
      for (let q = 0; q < 10; q++) {
        const query = unit();
        expect(lazy.nearest(query, 5).map((n) => n.label)).toEqual(exactNearest(vectors, query, 5, isLive));
      }
      expect(lazy.held().size).toBe(1);
      for (const [label, vector] of vectors) if (isLive(label)) expectSameVector(lazy.vector(label), vector, label);
    } finally {
      lazy.close();
    }
  });

  it('refuses a graph whose vector count is not the manifest’s', async () => {
    const entry = await segment(new Map(), 0, 5);
    await expect(GraphSet.open(dir, [{ ...entry, vectors: 6 }], { dimension: DIMENSION, efSearch: 10, isLive: () => true })).rejects.toThrow(/holds 5 vectors, the manifest 6/);
  });
});
