import hnswlib from 'hnswlib-node';
import { indexDirIn, readCatalog, readManifest } from '../../src/index/generation.js';
import { percentile } from '../../src/util/percentile.js';
import { storedGraphFile, type Corpus } from '../lib/corpora.js';
import type { SeedPaper } from '../lib/synthetic.js';
import type { BenchContext, Figure, Section } from '../lib/types.js';
import { queryVectors, recallAtK } from './ann.js';
import type { ScalePoint } from './query.js';

const K = 10;
const MB = 2 ** 20;

/** Recall@10 of a corpus's stored graph, as the engine searches it, against exact search over the same vectors. */
export interface StoredRecall {
  size: number;
  ef: number;
  recall: number;
  p95Ms: number;
  /** Recall at a larger ef, for how much room there is. */
  more: { ef: number; recall: number };
}

/** Recall of the graph the index serves (not a graph built for the benchmark), at the engine's ef. */
export async function storedRecall(ctx: BenchContext, target: Corpus, seed: readonly SeedPaper[]): Promise<StoredRecall> {
  const dimension = seed[0]!.vector.length;
  const indexDir = indexDirIn(target.config.dataDir);
  const manifest = readManifest(indexDir);
  const catalog = readCatalog(indexDir, manifest);
  const graph = new hnswlib.HierarchicalNSW('cosine', dimension);
  await graph.readIndex(storedGraphFile(indexDir, manifest));
  const exact = new hnswlib.BruteforceSearch('cosine', dimension);
  exact.initIndex(manifest.count);
  for (let label = 0; label < catalog.size; label++) if (catalog.isLive(label)) exact.addPoint(graph.getPoint(label), label);
  const queries = await queryVectors(ctx, target, seed);
  const truth = queries.map((q) => exact.searchKnn(q, K));
  const at = (ef: number) => {
    graph.setEf(ef);
    const latencies: number[] = [];
    const found = queries.map((q) => {
      const started = performance.now();
      const result = graph.searchKnn(q, K);
      latencies.push(performance.now() - started);
      return result;
    });
    return { recall: recallAtK(found, truth), p95Ms: percentile(latencies, 95) };
  };
  const ef = target.config.hnsw.efSearch;
  const served = at(ef);
  return { size: target.size, ef, ...served, more: { ef: ef * 2, recall: at(ef * 2).recall } };
}

/** How each cost grows with the corpus: the same figure at every size, and its growth per tenfold. */
export function scaleSection(points: readonly ScalePoint[], coldStarts: ReadonlyMap<number, number>, recalls: readonly StoredRecall[]): Section {
  const sizes = points.map((p) => p.size);
  const rows: { name: string; unit: string; values: (number | undefined)[] }[] = [
    { name: 'full build (vectors from the cache)', unit: 's', values: points.map((p) => (p.corpus.build ? p.corpus.build.buildMs / 1000 : undefined)) },
    { name: 'build peak RSS', unit: 'MB', values: points.map((p) => (p.corpus.build?.peakRssBytes ? p.corpus.build.peakRssBytes / MB : undefined)) },
    { name: 'cold start', unit: 'ms', values: sizes.map((size) => coldStarts.get(size)) },
    { name: 'serving peak RSS', unit: 'MB', values: points.map((p) => p.serve.peakRssBytes / MB) },
    { name: 'ask p50', unit: 'ms', values: points.map((p) => percentile(p.serve.samples.map((s) => s.tookMs), 50)) },
    { name: 'ask p95', unit: 'ms', values: points.map((p) => percentile(p.serve.samples.map((s) => s.tookMs), 95)) },
    { name: 'HNSW recall@10, stored graph', unit: '', values: sizes.map((size) => recalls.find((r) => r.size === size)?.recall) },
    { name: 'HNSW search p95, stored graph', unit: 'ms', values: sizes.map((size) => recalls.find((r) => r.size === size)?.p95Ms) },
    { name: 'index on disk', unit: 'MB', values: points.map((p) => p.corpus.indexBytes / MB) },
  ];
  const show = (v: number | undefined) => (v === undefined ? 'not measured' : v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(4));
  const growth = (values: (number | undefined)[]) =>
    values
      .slice(1)
      .map((v, i) => {
        const before = values[i];
        const factor = (sizes[i + 1]! / sizes[i]!).toFixed(0);
        return v === undefined || before === undefined || !before ? '' : `${(v / before).toFixed(1)}× per ${factor}×`;
      })
      .filter(Boolean)
      .join(', ');

  const at = (size: number) => points.find((p) => p.size === size);
  const million = at(1_000_000);
  const figures: Figure[] = [];
  if (million) {
    const samples = million.serve.samples.map((s) => s.tookMs);
    figures.push(
      { name: 'ask p95 at 1M', unit: 'ms', median: percentile(samples, 95), runs: samples.length, target: { op: '<=', value: 50 } },
      { name: 'peak RSS while serving at 1M', unit: 'MB', median: million.serve.peakRssBytes / MB, runs: 1, target: { op: '<=', value: 4096 } },
    );
    if (million.corpus.build?.peakRssBytes) figures.push({ name: 'build peak RSS at 1M', unit: 'MB', median: million.corpus.build.peakRssBytes / MB, runs: 1, target: { op: '<=', value: 8192 } });
    const cold = coldStarts.get(1_000_000);
    if (cold !== undefined) figures.push({ name: 'cold start at 1M', unit: 'ms', median: cold, runs: 1, target: { op: '<=', value: 5000 } });
  }
  for (const r of recalls) {
    figures.push({
      name: `HNSW recall@10 of the stored graph at ${r.size} (ef ${r.ef})`,
      unit: '',
      median: r.recall,
      digits: 4,
      runs: 1,
      target: r.size >= 100_000 ? { op: '>=', value: 0.99 } : undefined,
      note: `${r.more.recall.toFixed(4)} at ef ${r.more.ef}; search p95 ${r.p95Ms.toFixed(2)} ms`,
    });
  }
  return {
    id: 'scale',
    title: `Scale: ${sizes.join(' → ')} papers`,
    figures,
    tables: [
      {
        title: 'Each cost at each corpus size, and how it grows',
        columns: ['figure', ...sizes.map(String), 'growth'],
        rows: rows.map((r) => [`${r.name}${r.unit ? ` (${r.unit})` : ''}`, ...r.values.map(show), growth(r.values)]),
      },
    ],
    notes: [
      'Recall is of the graph the index serves, searched at the engine\'s ef (HNSW_EF_SEARCH) for 10 neighbours, against exact cosine search over the same live vectors, with the queries of the ANN section.',
      'Cold start is the median of fresh processes opening the built index (the model, the checks on open, the graph, the catalog, BM25 and the sentence tables).',
    ],
  };
}
