import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphFileVectors } from '../../src/index/graph-file-vectors.js';
import { prng } from '../../bench/harness/random.js';

const DIMENSION = 24;
const dir = mkdtempSync(join(tmpdir(), 'graph-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function randomVector(random: () => number): number[] {
  return Array.from({ length: DIMENSION }, () => random() * 2 - 1);
}

describe('GraphFileVectors', () => {
  it("reads every label's stored vector as getPoint gives it, after removals and additions too", async () => {
    const random = prng(3);
    const graph = new hnswlib.HierarchicalNSW('cosine', DIMENSION);
    graph.initIndex({ maxElements: 400, m: 8, efConstruction: 50, randomSeed: 1 });
    for (let label = 0; label < 300; label++) graph.addPoint(randomVector(random), label);
    graph.markDelete(17);
    const path = join(dir, 'first.bin');
    await graph.writeIndex(path);
    // As a reload does: read the file back, add papers, write the next generation's graph.
    const next = new hnswlib.HierarchicalNSW('cosine', DIMENSION);
    await next.readIndex(path, true);
    next.resizeIndex(400);
    for (let label = 300; label < 350; label++) next.addPoint(randomVector(random), label);
    const nextPath = join(dir, 'next.bin');
    await next.writeIndex(nextPath);

    const vectors = GraphFileVectors.open(nextPath, DIMENSION, next.getCurrentCount())!;
    expect(vectors).toBeDefined();
    for (let label = 0; label < 350; label++) {
      if (label === 17) continue; // getPoint refuses a deleted label
      expect(Array.from(vectors.vector(label)!), `label ${label}`).toEqual(Array.from(Float32Array.from(next.getPoint(label))));
    }
    expect(vectors.vector(350)).toBeUndefined();
    expect(vectors.vector(-1)).toBeUndefined();
    vectors.close();
  });

  it('finds a label out of its place by search, and never gives another label’s vector', async () => {
    const graph = new hnswlib.HierarchicalNSW('cosine', DIMENSION);
    graph.initIndex({ maxElements: 10, m: 8, efConstruction: 50 });
    // Labels given out of order: label 5 sits in record 0.
    [5, 0, 1].forEach((label, i) => graph.addPoint(randomVector(prng(i + 10)), label));
    const path = join(dir, 'shuffled.bin');
    await graph.writeIndex(path);
    const vectors = GraphFileVectors.open(path, DIMENSION, 3)!;
    for (const label of [5, 0, 1]) expect(Array.from(vectors.vector(label)!), `label ${label}`).toEqual(Array.from(Float32Array.from(graph.getPoint(label))));
    expect(vectors.vector(2)).toBeUndefined();
    expect(vectors.vector(7)).toBeUndefined();
    expect([...vectors.records()].map((r) => r.label)).toEqual([5, 0, 1]);
    vectors.close();
  });

  it('refuses a file whose header does not describe the graph', async () => {
    const garbage = join(dir, 'garbage.bin');
    writeFileSync(garbage, Buffer.alloc(4096, 1));
    expect(GraphFileVectors.open(garbage, DIMENSION, 3)).toBeUndefined();
    const graph = new hnswlib.HierarchicalNSW('cosine', DIMENSION);
    graph.initIndex({ maxElements: 10, m: 8, efConstruction: 50 });
    graph.addPoint(randomVector(prng(1)), 0);
    const path = join(dir, 'one.bin');
    await graph.writeIndex(path);
    expect(GraphFileVectors.open(path, DIMENSION * 2, 1)).toBeUndefined(); // another dimension
    expect(GraphFileVectors.open(path, DIMENSION, 2)).toBeUndefined(); // another count
    writeFileSync(path, Buffer.alloc(50)); // shorter than a header
    expect(GraphFileVectors.open(path, DIMENSION, 1)).toBeUndefined();
  });
});
