import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Engine } from '../../src/engine/engine.js';
import { createLogger } from '../../src/log.js';
import { timeAddThenRemove } from '../lib/add-then-remove.js';
import { extraSourcePath, serveInProcess, type Corpus } from '../lib/corpora.js';
import { indexBackup } from '../lib/index-backup.js';
import { figure } from '../lib/stats.js';
import { percentile } from '../../src/util/percentile.js';
import { syntheticPaper, type SeedPaper } from '../lib/synthetic.js';
import { prng } from '../harness/random.js';
import type { BenchContext, Figure, Section } from '../lib/types.js';
import type { ScalePoint } from './query.js';

const run = promisify(execFile);
/** How long an engine is open before its reloads are timed (see measureReloads). */
const SETTLE_MS = 2000;

/**
 * Cold start (model + index + metadata) in fresh processes at every corpus size, and reloads at the
 * largest corpus of at most 100k papers (the size the reload targets are set at). Returns the median
 * cold start by size too, for the scale section.
 */
export async function startupSection(ctx: BenchContext, points: readonly ScalePoint[], seed: readonly SeedPaper[]): Promise<{ section: Section; coldStarts: Map<number, number> }> {
  const reloadPoint = points.filter((p) => p.size <= 100_000).at(-1) ?? points[0]!;
  const label = reloadPoint.size === 100_000 ? 'at 100k' : reloadPoint.size > 100_000 ? `at ${reloadPoint.size}` : `at ${reloadPoint.size} (largest run up to 100k)`;
  const coldStarts = new Map<number, number>();
  const figures: Figure[] = [];
  for (const point of points) {
    const runs = point === reloadPoint ? (ctx.quick ? 2 : 5) : ctx.quick ? 1 : 3;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push((await serveInProcess(ctx, point.corpus, [], 0)).coldStartMs);
    coldStarts.set(point.size, percentile(times, 50));
    if (point === reloadPoint) figures.push({ ...figure(`cold start ${label}`, 'ms', times), target: { op: '<=', value: 2000 } });
  }

  figures.push(...(await reloadFigures(ctx, reloadPoint.corpus, seed, label)), ...buildFigures(reloadPoint, label));
  const builds = points
    .filter((p) => p.corpus.build !== undefined)
    .map(({ size, corpus: { build } }) => [
      size,
      (build!.buildMs / 1000).toFixed(1),
      ((build!.buildMs / size) * 10).toFixed(2),
      build!.peakRssBytes ? (build!.peakRssBytes / 2 ** 20).toFixed(0) : 'not measured',
    ]);
  const section: Section = {
    id: 'startup',
    title: 'Build, start-up and reload',
    figures,
    tables: [
      {
        title: 'Full index build from the sources (first build of each corpus, in a process of its own: read and parse the sources, split, graph, segments, catalog, checksums as written; vectors from the embedding cache)',
        columns: ['papers', 'seconds', 'seconds per 10k papers', 'peak RSS MB'],
        rows: builds,
      },
      { title: 'Cold start by corpus size (median of fresh processes)', columns: ['papers', 'ms'], rows: [...coldStarts].map(([size, ms]) => [size, ms.toFixed(0)]) },
    ],
    notes: [
      'Cold start = Engine.open on a built index without re-reading the sources: model load, the checks on open (manifest checksum; each file\'s size and first and last 4 KiB), HNSW load, catalog, BM25 and sentence tables. Measured in a fresh process each time; the files are in the OS page cache after the first run.',
      'Reloads run on the compiled engine, open in this process: in a build thread as the bot reloads (the engine\'s embedding threads embed for it, started as the reload begins; the build thread itself was started ahead, as the engine opened or its last reload ended, and the engine is open 2 s before the first timed reload, as a bot is long open before an admin reloads), and in the process as the CLI does. The 100 added papers are new synthetic ones, so the real model embeds them; the stages say where the rest of the time goes (in a build thread, the rest is the thread reading the live index and this process opening the new one).',
    ],
  };
  return { section, coldStarts };
}

/** A build's stages as "sources 812, plan 95, …" (ms). */
function stages(stagesMs: Record<string, number> | undefined): string {
  return stagesMs ? `ms by stage: ${Object.entries(stagesMs).map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join(', ')}` : '';
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

/**
 * The engine as the bot runs it: compiled, so that a reload's build thread and embedding threads
 * start as they do in production (from source, tsx would compile every thread's modules again).
 */
async function compiledEngine(ctx: BenchContext): Promise<typeof Engine> {
  ctx.log('  compiling (npm run build), to reload with the code the bot runs…');
  await run('npm', ['run', 'build'], { cwd: ctx.root, timeout: 10 * 60_000 });
  return ((await import(pathToFileURL(join(ctx.root, 'dist/engine/engine.js')).href)) as { Engine: typeof Engine }).Engine;
}

/** How a reload runs: in a build thread, as the bot's `/reload` and daily refresh; in the process, as `paperscout ingest` and `fetch`. */
const RELOAD_WAYS = [
  { name: 'bot, build thread', buildInThread: true, targets: true },
  { name: 'CLI, in process', buildInThread: false, targets: false },
] as const;

async function measureReloads(ctx: BenchContext, target: Corpus, seed: readonly SeedPaper[], label: string): Promise<Figure[]> {
  const Compiled = await compiledEngine(ctx);
  const vocabulary = [...new Set(seed.flatMap((p) => p.abstract.split(/\s+/)).filter((w) => /^[a-z]{4,}$/.test(w)))];
  const random = prng(Date.now());
  const figures: Figure[] = [];
  for (const way of RELOAD_WAYS) {
    const engine = await Compiled.open(target.config, { log: createLogger({ level: 'warn' }), reloadOnOpen: false, buildInThread: way.buildInThread });
    const extra = extraSourcePath(target, 'startup');
    const goal = way.targets ? { target: { op: '<=' as const, value: 5000 } } : {};
    try {
      const unchanged: number[] = [];
      let embeddedWhenUnchanged = 0;
      for (let i = 0; i < (ctx.quick ? 2 : 3); i++) {
        const started = performance.now();
        embeddedWhenUnchanged += (await engine.reload()).embeddedTexts;
        unchanged.push(performance.now() - started);
      }
      // A bot's index is open long before an admin reloads it: its next build thread has loaded by then.
      await setTimeout(SETTLE_MS);
      ctx.log(`  reload with 100 new papers at ${target.size} (${way.name})…`);
      // New papers each time, so the real model embeds them (none is in the embedding cache).
      const papers = Array.from({ length: 100 }, (_, i) => ({ ...syntheticPaper(target.size + i, seed, vocabulary, random).paper, id: `added-${Date.now()}-${i}` }));
      const { added, addMs, removed, removeMs } = await timeAddThenRemove(engine, extra, papers.map((p) => JSON.stringify(p)));
      figures.push(
        {
          ...figure(`reload, nothing changed, ${label} (${way.name})`, 'ms', unchanged),
          ...goal,
          note: `${embeddedWhenUnchanged} texts embedded across the runs`,
        },
        {
          name: `reload after adding 100 papers, ${label} (${way.name})`,
          unit: 'ms',
          median: addMs,
          runs: 1,
          ...goal,
          note: `${added.embedded} papers (${added.embeddedTexts} texts) embedded with the real model; ${stages(added.stagesMs)}`,
        },
        { name: `reload after removing those 100 again, ${label} (${way.name})`, unit: 'ms', median: removeMs, runs: 1, ...goal, note: stages(removed.stagesMs) },
      );
    } finally {
      rmSync(extra, { force: true });
      await engine.close();
    }
  }
  return figures;
}
