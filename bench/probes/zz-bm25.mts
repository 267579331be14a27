import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest, readCatalog } from '../../src/index/generation.js';
import { Bm25Index, Bm25Segment } from '../../src/search/bm25.js';
import { percentile } from '../../src/util/percentile.js';
const indexDir = 'data/bench/corpus-1000000/data/index';
const manifest = readManifest(indexDir);
const catalog = readCatalog(indexDir, manifest);
const dir = join(indexDir, manifest.generation);
const segs = manifest.segments.lexical.map((e) => Bm25Segment.deserialize(readFileSync(join(dir, e.name))));
const index = new Bm25Index(segs, catalog.size, (l) => catalog.isLive(l));
const qs = JSON.parse(readFileSync('/tmp/qs.json', 'utf8')) as string[];
const all: number[] = [];
for (let rep = 0; rep < 6; rep++) {
  for (const q of qs) { const w = index.termWeights(q); const t = performance.now(); index.top(w, Number(process.env.ZZ_N ?? 50)); if (rep > 0) all.push(performance.now() - t); }
}
console.log('top (reps 2-6) p50', percentile(all, 50).toFixed(1), 'p95', percentile(all, 95).toFixed(1), 'mean', (all.reduce((a, b) => a + b, 0) / all.length).toFixed(1));
