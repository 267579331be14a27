import { join } from 'node:path';
import hnswlib, { type HierarchicalNSW } from 'hnswlib-node';
import { IndexLoadError } from '../errors.js';
import { GraphFileVectors } from './graph-file-vectors.js';
import type { GraphEntry } from './manifest.js';

export interface Neighbour {
  label: number;
  /** Cosine similarity, -1..1. */
  similarity: number;
}

export interface GraphSetOptions {
  dimension: number;
  efSearch: number;
  /** Whether a label is live: a segment whose range holds a dead label is searched with it as a filter. */
  isLive: (label: number) => boolean;
  /** Graphs already in memory, by file name (an earlier snapshot's, or those a build just wrote). Default none. */
  held?: ReadonlyMap<string, HierarchicalNSW>;
  /** Read each graph on its first use instead of at once (a build opens the live generation only to plan and link). Default false. */
  lazy?: boolean;
}

/** One graph segment of a generation, with its file open for vector reads. */
class Segment {
  private graph?: HierarchicalNSW;

  constructor(
    readonly entry: GraphEntry,
    private readonly path: string,
    private readonly options: GraphSetOptions,
    /** Whether a label of its range has died since it was written. */
    readonly filtered: boolean,
    readonly file: GraphFileVectors | undefined,
    graph: HierarchicalNSW | undefined,
  ) {
    if (graph) this.use(graph);
  }

  get hnsw(): HierarchicalNSW {
    if (!this.graph) {
      const graph = new hnswlib.HierarchicalNSW('cosine', this.options.dimension);
      try {
        graph.readIndexSync(this.path);
      } catch (error) {
        throw new IndexLoadError('corrupt', `${this.path}: ${(error as Error).message}`);
      }
      this.use(graph);
    }
    return this.graph!;
  }

  get loaded(): HierarchicalNSW | undefined {
    return this.graph;
  }

  private use(graph: HierarchicalNSW): void {
    if (graph.getCurrentCount() !== this.entry.vectors) {
      throw new IndexLoadError('corrupt', `${this.path} holds ${graph.getCurrentCount()} vectors, the manifest ${this.entry.vectors}`);
    }
    graph.setEf(this.options.efSearch);
    this.graph = graph;
  }
}

async function readGraph(path: string, dimension: number): Promise<HierarchicalNSW> {
  const graph = new hnswlib.HierarchicalNSW('cosine', dimension);
  try {
    await graph.readIndex(path);
  } catch (error) {
    throw new IndexLoadError('corrupt', `${path}: ${(error as Error).message}`);
  }
  return graph;
}

/**
 * The graph segments of a generation (see graph-segments.ts), searched as one: each is searched for
 * the k nearest, and the best k of all are kept, so recall is at least each graph's own.
 */
export class GraphSet {
  private constructor(
    private readonly segments: readonly Segment[],
    private readonly isLive: (label: number) => boolean,
  ) {}

  /** Opens the segments, reading their graphs on libuv's thread pool unless held or lazy. */
  static async open(dir: string, entries: readonly GraphEntry[], options: GraphSetOptions): Promise<GraphSet> {
    const graphs = await Promise.all(
      entries.map((entry) => options.held?.get(entry.name) ?? (options.lazy ? undefined : readGraph(join(dir, entry.name), options.dimension))),
    );
    const segments: Segment[] = [];
    try {
      entries.forEach((entry, i) => {
        let filtered = false;
        for (let label = entry.firstLabel; label < entry.firstLabel + entry.labels && !filtered; label++) filtered = !options.isLive(label);
        const path = join(dir, entry.name);
        segments.push(new Segment(entry, path, options, filtered, GraphFileVectors.open(path, options.dimension, entry.vectors), graphs[i]));
      });
    } catch (error) {
      for (const segment of segments) segment.file?.close();
      throw error;
    }
    return new GraphSet(segments, options.isLive);
  }

  /** The k live labels nearest to a unit vector, best first (approximately: HNSW). */
  nearest(vector: Float32Array, k: number): Neighbour[] {
    const query = Array.from(vector);
    const found: Neighbour[] = [];
    for (const segment of this.segments) {
      const n = Math.min(k, segment.entry.vectors);
      if (n <= 0) continue;
      const { neighbors, distances } = segment.hnsw.searchKnn(query, n, segment.filtered ? this.isLive : undefined);
      neighbors.forEach((label, i) => found.push({ label, similarity: 1 - distances[i]! }));
    }
    if (this.segments.length > 1) found.sort((a, b) => b.similarity - a.similarity);
    return found.slice(0, k);
  }

  /** A label's stored vector: from its segment's file, or through hnswlib where the file cannot say. */
  vector(label: number): Float32Array {
    const segment = this.segments.find(({ entry }) => label >= entry.firstLabel && label < entry.firstLabel + entry.labels);
    if (!segment) throw new Error(`label ${label} is in no graph segment`);
    return segment.file?.vector(label) ?? Float32Array.from(segment.hnsw.getPoint(label));
  }

  /** The graphs read so far, by file name: the next snapshot keeps those its generation links. */
  held(): Map<string, HierarchicalNSW> {
    const held = new Map<string, HierarchicalNSW>();
    for (const segment of this.segments) if (segment.loaded) held.set(segment.entry.name, segment.loaded);
    return held;
  }

  close(): void {
    for (const segment of this.segments) segment.file?.close();
  }
}
