import { serveInProcess, type Corpus } from '../lib/corpora.js';
import type { BenchContext, Section } from '../lib/types.js';
import type { ScalePoint } from './query.js';

const MB = 1024 * 1024;

/** Peak RSS while serving each corpus, and what the index costs per paper and per vector. */
export async function memorySection(ctx: BenchContext, points: readonly ScalePoint[], seedCorpus: Corpus): Promise<Section> {
  // The same process on the 64-paper seed: model, runtime and code, nearly no papers.
  const baseline = await serveInProcess(ctx, seedCorpus, ['how do MLPs scale on vision tasks?'], 3);
  // Per paper as the slope from the next smaller corpus: fixed costs (model, runtime) cancel out.
  const rows = points.map(({ size, serve, corpus }, i) => {
    const previous = points[i - 1];
    const slope = previous ? ((serve.peakRssBytes - previous.serve.peakRssBytes) / (size - previous.size) / 1024).toFixed(2) : '';
    return [size, (serve.peakRssBytes / MB).toFixed(0), slope, (corpus.indexBytes / size).toFixed(0)];
  });
  const at = points.find((p) => p.size === 100_000) ?? points.at(-1)!;
  const label = at.size === 100_000 ? 'at 100k' : `at ${at.size} (largest run)`;
  return {
    id: 'memory',
    title: 'Memory',
    figures: [
      { name: `peak RSS while serving ${label}`, unit: 'MB', median: at.serve.peakRssBytes / MB, runs: 1, target: { op: '<=', value: 800 } },
      { name: `HNSW index bytes per vector ${label}`, unit: 'bytes', median: at.corpus.indexBytes / at.size, runs: 1, target: { op: '<=', value: 1800 } },
      { name: 'peak RSS with the model and the 64-paper seed (baseline)', unit: 'MB', median: baseline.peakRssBytes / MB, runs: 1 },
    ],
    tables: [{ title: 'Serving memory by corpus size', columns: ['papers', 'peak RSS MB', 'KB per added paper (from the previous size)', 'HNSW bytes per vector'], rows }],
    notes: [
      'Held in memory per paper: its HNSW node, a catalog entry (id, title, hashes, list days), BM25 postings and sentence offsets. Abstracts, authors and sentence vectors stay on disk and are read for the papers a reply shows.',
    ],
  };
}
