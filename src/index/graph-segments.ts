import { join } from 'node:path';
import hnswlib, { type HierarchicalNSW } from 'hnswlib-node';
import { describeFile } from './file-check.js';
import { GraphFileVectors } from './graph-file-vectors.js';
import type { GraphEntry } from './manifest.js';

/**
 * The HNSW graph is kept in segments, like the rest of a generation: a full build writes one graph of
 * every label; a reload that adds papers writes a graph of those papers only, and links the earlier
 * segments unchanged. Removed papers stay in their segment's graph until the next full build, and a
 * search leaves them out (graph-set.ts). Within a segment, labels are in ascending order: the
 * labels of its range that were live when it was written.
 */

export interface HnswParams {
  m: number;
  efConstruction: number;
}

export interface WrittenGraph {
  entry: GraphEntry;
  /** The graph as written, to serve from without reading it again. */
  graph: HierarchicalNSW;
}

/** A new graph segment for a range of labels, which are added in ascending order. */
export class GraphSegmentWriter {
  private readonly graph: HierarchicalNSW;
  private vectors = 0;

  constructor(
    private readonly dir: string,
    private readonly name: string,
    dimension: number,
    params: HnswParams,
    private readonly range: { firstLabel: number; labels: number },
  ) {
    this.graph = new hnswlib.HierarchicalNSW('cosine', dimension);
    this.graph.initIndex({ maxElements: Math.max(range.labels, 1), m: params.m, efConstruction: params.efConstruction, randomSeed: 100 });
  }

  add(label: number, vector: Float32Array): void {
    this.graph.addPoint(Array.from(vector), label);
    this.vectors++;
  }

  /** Writes the graph (on a libuv thread) and hashes the file. */
  async finish(): Promise<WrittenGraph> {
    await this.graph.writeIndex(join(this.dir, this.name));
    return { entry: { ...(await describeFile(this.dir, this.name)), ...this.range, vectors: this.vectors }, graph: this.graph };
  }
}

/**
 * How many of the newest graph segments to merge into one, from each segment's vector count, oldest
 * first: the newest, with each segment before it while what would be merged is at least half that
 * segment's size; none when that is the newest alone. Like a binary counter, the segments stay
 * few (about log₂ of what reloads added) and a vector is merged again only as often as what was
 * added since doubles, so a reload costs about what it adds.
 */
export function graphsToMerge(vectors: readonly number[]): number {
  if (!vectors.length) return 0;
  let run = 1;
  let merged = vectors.at(-1)!;
  while (run < vectors.length && merged * 2 >= vectors[vectors.length - 1 - run]!) merged += vectors[vectors.length - 1 - run++]!;
  return run > 1 ? run : 0;
}

/** Every label and vector a graph segment's file holds, in order. */
function* storedVectors(dir: string, entry: GraphEntry, dimension: number): Generator<{ label: number; vector: Float32Array }> {
  const file = GraphFileVectors.open(join(dir, entry.name), dimension, entry.vectors);
  if (file) {
    try {
      yield* file.records();
    } finally {
      file.close();
    }
    return;
  }
  // A file in another layout than GraphFileVectors reads: through hnswlib, more slowly.
  const graph = new hnswlib.HierarchicalNSW('cosine', dimension);
  graph.readIndexSync(join(dir, entry.name));
  for (const label of graph.getIdsList().sort((a, b) => a - b)) yield { label, vector: Float32Array.from(graph.getPoint(label)) };
}

/**
 * Merges graph segments (oldest first, all in `dir`) into a new one named `name`: the oldest's graph
 * is read back and the others' vectors still live are added to it, so a merge costs the insertion of
 * what the newer ones hold, not a new graph of everything.
 */
export async function mergeGraphs(dir: string, merging: readonly GraphEntry[], name: string, dimension: number, isLive: (label: number) => boolean): Promise<WrittenGraph> {
  const [base, ...newer] = merging;
  const graph = new hnswlib.HierarchicalNSW('cosine', dimension);
  await graph.readIndex(join(dir, base!.name));
  graph.resizeIndex(newer.reduce((sum, entry) => sum + entry.vectors, base!.vectors));
  let vectors = base!.vectors;
  for (const entry of newer) {
    for (const { label, vector } of storedVectors(dir, entry, dimension)) {
      if (!isLive(label)) continue;
      graph.addPoint(Array.from(vector), label);
      vectors++;
    }
  }
  await graph.writeIndex(join(dir, name));
  const last = merging.at(-1)!;
  const range = { firstLabel: base!.firstLabel, labels: last.firstLabel + last.labels - base!.firstLabel };
  return { entry: { ...(await describeFile(dir, name)), ...range, vectors }, graph };
}
