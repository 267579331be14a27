import { rmSync, writeFileSync } from 'node:fs';
import { Engine } from '../../src/engine/engine.js';
import { createLogger } from '../../src/log.js';
import { extraSourcePath, serveInProcess, type Corpus } from '../lib/corpora.js';
import { indexBackup } from '../lib/index-backup.js';
import { figure } from '../lib/stats.js';
import { syntheticPaper, type SeedPaper } from '../lib/synthetic.js';
import { prng } from '../harness/random.js';
import type { BenchContext, Figure, Section } from '../lib/types.js';
import type { ScalePoint } from './query.js';

/** Cold start (model + index + metadata), in fresh processes, and reloads at the largest corpus. */
export async function startupSection(ctx: BenchContext, points: readonly ScalePoint[], seed: readonly SeedPaper[]): Promise<Section> {
  const largest = points.at(-1)!;
  const label = largest.size === 100_000 ? 'at 100k' : `at ${largest.size} (largest run)`;
  const coldStarts: number[] = [];
  for (let i = 0; i < (ctx.quick ? 2 : 5); i++) coldStarts.push((await serveInProcess(ctx, largest.corpus, [], 0)).coldStartMs);

  const reloads = await reloadFigures(ctx, largest.corpus, seed, label);
  const builds = points
    .filter((p) => p.corpus.build !== undefined)
    .map(({ size, corpus: { build } }) => [
      size,
      (build!.buildMs / 1000).toFixed(1),
      ((build!.buildMs / size) * 10).toFixed(2),
      build!.peakRssBytes ? (build!.peakRssBytes / 2 ** 20).toFixed(0) : 'not measured',
    ]);
  return {
    id: 'startup',
    title: 'Build, start-up and reload',
    figures: [{ ...figure(`cold start ${label}`, 'ms', coldStarts), target: { op: '<=', value: 2000 } }, ...reloads, ...buildFigures(largest, label)],
    tables: [
      {
        title: 'Full index build from the sources (first build of each corpus, in a process of its own: read, split, graph, sentence store, BM25, checksums; vectors from the embedding cache)',
        columns: ['papers', 'seconds', 'seconds per 10k papers', 'peak RSS MB'],
        rows: builds,
      },
    ],
    notes: [
      'Cold start = Engine.open on a built index without re-reading the sources: model load, checksum verification of every index file, HNSW load, catalog and BM25 load. Measured in a fresh process each time; the files are in the OS page cache after the first run.',
    ],
  };
}

function buildFigures({ size, corpus: { build } }: ScalePoint, label: string): Figure[] {
  if (!build) return [];
  return [
    { name: `full build per 10k papers ${label}`, unit: 's', median: (build.buildMs / size) * 10, runs: 1 },
    ...(build.peakRssBytes ? [{ name: `build peak RSS ${label}`, unit: 'MB', median: build.peakRssBytes / 2 ** 20, runs: 1 }] : []),
  ];
}

/**
 * Reloads of the stored corpus: unchanged, with 100 papers added, with them removed again. The
 * removal leaves deleted labels behind, so the corpus's generation is put back afterwards: every
 * later section, and the next run, sees the index as it was.
 */
async function reloadFigures(ctx: BenchContext, target: Corpus, seed: readonly SeedPaper[], label: string): Promise<Figure[]> {
  const backup = indexBackup(target.config.dataDir);
  try {
    return await measureReloads(ctx, target, seed, label);
  } finally {
    const note = backup.restore();
    if (note) ctx.log(`  ${note}`);
    backup.discard();
  }
}

async function measureReloads(ctx: BenchContext, target: Corpus, seed: readonly SeedPaper[], label: string): Promise<Figure[]> {
  const log = createLogger({ level: 'warn' });
  const engine = await Engine.open(target.config, { log, reloadOnOpen: false });
  const extra = extraSourcePath(target, 'startup');
  try {
    const unchanged: number[] = [];
    let embeddedWhenUnchanged = 0;
    for (let i = 0; i < (ctx.quick ? 2 : 3); i++) {
      const started = performance.now();
      embeddedWhenUnchanged += (await engine.reload()).embeddedTexts;
      unchanged.push(performance.now() - started);
    }
    ctx.log(`  reload with 100 new papers at ${target.size}…`);
    const vocabulary = [...new Set(seed.flatMap((p) => p.abstract.split(/\s+/)).filter((w) => /^[a-z]{4,}$/.test(w)))];
    const random = prng(Date.now());
    const papers = Array.from({ length: 100 }, (_, i) => ({ ...syntheticPaper(target.size + i, seed, vocabulary, random).paper, id: `added-${Date.now()}-${i}` }));
    writeFileSync(extra, papers.map((p) => JSON.stringify(p)).join('\n'));
    let started = performance.now();
    const added = await engine.reload();
    const addMs = performance.now() - started;
    rmSync(extra);
    started = performance.now();
    await engine.reload();
    const removeMs = performance.now() - started;
    return [
      {
        ...figure(`reload, nothing changed, ${label}`, 'ms', unchanged),
        target: { op: '<=', value: 5000 },
        note: `${embeddedWhenUnchanged} texts embedded across the runs`,
      },
      { name: `reload after adding 100 papers, ${label}`, unit: 'ms', median: addMs, runs: 1, note: `${added.embedded} papers (${added.embeddedTexts} texts) embedded with the real model` },
      { name: `reload after removing those 100 again, ${label}`, unit: 'ms', median: removeMs, runs: 1 },
    ];
  } finally {
    rmSync(extra, { force: true });
    await engine.close();
  }
}
