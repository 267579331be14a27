import hnswlib from 'hnswlib-node';
import { loadEmbedder } from '../../src/engine/engine.js';
import { indexDirIn, readCatalog, readManifest } from '../../src/index/generation.js';
import { benchQuestions, storedGraphFile, type Corpus } from '../lib/corpora.js';
import { percentile } from '../../src/util/percentile.js';
import { type SeedPaper } from '../lib/synthetic.js';
import { prng } from '../harness/random.js';
import type { BenchContext, Section, Table } from '../lib/types.js';

const K = 10;
const EFS = [16, 32, 64, 128, 256];
const MS = [16, 32];
const EF_CONSTRUCTION = 200;

/** Queries: the real question set, embedded with the model, plus noisy seed sentences (in-distribution). */
export async function queryVectors(ctx: BenchContext, target: Corpus, seed: readonly SeedPaper[]): Promise<number[][]> {
  const embedder = await loadEmbedder(target.config);
  const questions: number[][] = [];
  for (const q of benchQuestions(ctx)) questions.push(Array.from(await embedder.embedQuery(q)));
  await embedder.dispose();
  const random = prng(7);
  const sentences = seed.flatMap((p) => p.sentences);
  for (let i = 0; i < 99; i++) {
    const base = sentences[Math.floor(random() * sentences.length)]!.vector;
    questions.push(Array.from(base, (x) => x + 0.04 * (2 * random() - 1)));
  }
  return questions;
}

/** Neighbours as hnswlib returns them. */
interface Found {
  neighbors: number[];
  distances: number[];
}

/**
 * Recall@K as ann-benchmarks counts it: a neighbour found is right when it is no farther than the
 * K-th exact one. Labels alone would count a duplicate's twin (same vector, so the same distance)
 * as a miss; the synthetic corpora have such twins, real ones have near-duplicates too.
 */
export function recallAtK(found: readonly Found[], truth: readonly Found[]): number {
  let right = 0;
  found.forEach(({ distances }, i) => {
    const kth = truth[i]!.distances.at(-1)!;
    right += distances.filter((d) => d <= kth + 1e-6).length;
  });
  return right / (K * found.length);
}

function timeSearch(search: (q: number[]) => Found, queries: readonly number[][]) {
  const latencies: number[] = [];
  const results: Found[] = [];
  const started = performance.now();
  for (const q of queries) {
    const t = performance.now();
    results.push(search(q));
    latencies.push(performance.now() - t);
  }
  const seconds = (performance.now() - started) / 1000;
  return { results, p50: percentile(latencies, 50), p95: percentile(latencies, 95), qps: queries.length / seconds };
}

/** Recall@10 of HNSW against exact cosine search, across ef and M, with speed. */
export async function annSection(ctx: BenchContext, target: Corpus, seed: readonly SeedPaper[]): Promise<{ section: Section; recommended?: { m: number; ef: number } }> {
  const dimension = seed[0]!.vector.length;
  const indexDir = indexDirIn(target.config.dataDir);
  const manifest = readManifest(indexDir);
  const catalog = readCatalog(indexDir, manifest);
  const stored = new hnswlib.HierarchicalNSW('cosine', dimension);
  await stored.readIndex(storedGraphFile(indexDir, manifest));
  // Live labels only: a removed paper stays in the graph until a full rebuild.
  const labels = Array.from({ length: catalog.size }, (_, label) => label).filter((label) => catalog.isLive(label));
  const vectors = labels.map((label) => stored.getPoint(label));
  const queries = await queryVectors(ctx, target, seed);

  const exact = new hnswlib.BruteforceSearch('cosine', dimension);
  exact.initIndex(vectors.length);
  vectors.forEach((v, i) => exact.addPoint(v, labels[i]!));
  const truth = timeSearch((q) => exact.searchKnn(q, K), queries);

  const rows: Table['rows'] = [];
  const buildRows: Table['rows'] = [];
  let recommended: { m: number; ef: number } | undefined;
  for (const m of MS) {
    ctx.log(`  ANN: building HNSW M=${m} over ${vectors.length} vectors…`);
    const graph = new hnswlib.HierarchicalNSW('cosine', dimension);
    graph.initIndex({ maxElements: vectors.length, m, efConstruction: EF_CONSTRUCTION, randomSeed: 100 });
    const started = performance.now();
    vectors.forEach((v, i) => graph.addPoint(v, labels[i]!));
    const buildSeconds = (performance.now() - started) / 1000;
    buildRows.push([m, EF_CONSTRUCTION, buildSeconds.toFixed(1), ((buildSeconds / vectors.length) * 10_000).toFixed(2)]);
    for (const ef of EFS) {
      graph.setEf(ef);
      const run = timeSearch((q) => graph.searchKnn(q, K), queries);
      const recall = recallAtK(run.results, truth.results);
      rows.push([m, ef, recall.toFixed(4), run.p50.toFixed(3), run.p95.toFixed(3), run.qps.toFixed(0), (run.qps / truth.qps).toFixed(1)]);
      if (!recommended && recall >= 0.99 && run.p95 <= 2) recommended = { m, ef };
    }
  }
  const size = vectors.length;
  return {
    recommended,
    section: {
      id: 'ann',
      title: `ANN quality and speed (${size} vectors)`,
      figures: [
        { name: `exact (brute-force) search, ${size} vectors`, unit: 'queries/s', median: truth.qps, runs: queries.length },
        { name: `exact search p95, ${size} vectors`, unit: 'ms', median: truth.p95, runs: queries.length },
      ],
      tables: [
        { title: `Recall@${K} against exact cosine search (a neighbour counts when no farther than the ${K}th exact one), ${queries.length} queries`, columns: ['M', 'ef', `recall@${K}`, 'p50 ms', 'p95 ms', 'queries/s', 'speed-up vs exact'], rows },
        { title: 'HNSW build (hnswlib, one thread)', columns: ['M', 'efConstruction', 'seconds', 'seconds per 10k vectors'], rows: buildRows },
      ],
      notes: [
        recommended
          ? `Smallest setting with recall@10 ≥ 0.99 and p95 ≤ 2 ms: M=${recommended.m}, ef=${recommended.ef}.`
          : 'No setting reached recall@10 ≥ 0.99 with p95 ≤ 2 ms.',
        'The engine asks HNSW for 50 candidates per question, so its effective ef is at least 50 whatever HNSW_EF_SEARCH says.',
      ],
    },
  };
}
