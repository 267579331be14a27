/**
 * npm run bench [-- --quick] [-- --sizes 1000,10000,100000,1000000] [-- --skip python,bot]
 * Prints a report and writes it to bench/results/ as JSON and Markdown, with an SVG chart of
 * latency against corpus size. Benchmarks are not tests: nothing here is asserted.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { corpus, seedCorpus, seedVectors } from './lib/corpora.js';
import { markdown, summaryRows, type BenchReport } from './lib/report.js';
import { lineChart } from './lib/svg.js';
import type { BenchContext, Section } from './lib/types.js';
import { annSection } from './sections/ann.js';
import { benchBotPath } from './sections/bot.js';
import { benchEmbedding } from './sections/embedding.js';
import { memorySection } from './sections/memory.js';
import { querySection, servePoints } from './sections/query.js';
import { scaleSection, storedRecall } from './sections/scale.js';
import { startupSection } from './sections/startup.js';
import { historySection } from './lib/history.js';
import { percentile } from '../src/util/percentile.js';

const opts = new Command()
  .option('--quick', 'a two-minute version: small corpora, fewer repeats')
  .option('--sizes <list>', 'corpus sizes, comma-separated')
  .option('--skip <list>', 'sections to skip: embedding, python, query, ann, startup, memory, scale, bot', '')
  .parse()
  .opts<{ quick?: boolean; sizes?: string; skip: string }>();

const root = new URL('../', import.meta.url).pathname;
const ctx: BenchContext = {
  quick: Boolean(opts.quick),
  log: (line) => process.stderr.write(`${line}\n`),
  root,
  workDir: join(root, 'data', 'bench'),
};
const sizes = (opts.sizes ?? (ctx.quick ? '1000,10000' : '1000,10000,100000,1000000')).split(',').map(Number);
const skip = new Set(opts.skip.split(',').filter(Boolean));
const started = Date.now();
const sections: Section[] = [];

async function step<T>(name: string, work: () => Promise<T>): Promise<T | undefined> {
  if (skip.has(name)) return undefined;
  ctx.log(`== ${name}`);
  const t = Date.now();
  try {
    return await work();
  } finally {
    ctx.log(`   ${name} took ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
}

mkdirSync(ctx.workDir, { recursive: true });
const embedding = await step('embedding', () => benchEmbedding({ ...ctx, skipPython: skip.has('python') }));
if (embedding) sections.push(...embedding);

const seed = await seedVectors(ctx);
const served = await step('query', () => servePoints(ctx, sizes));
const points = served?.points;
if (served) sections.push(querySection(served.points, served.notRun));

const annSize = sizes.filter((s) => s <= 100_000).at(-1)!;
const ann = await step('ann', async () => annSection(ctx, await corpus(ctx, annSize), seed));
if (ann) sections.push(ann.section);

if (points) {
  const startup = await step('startup', () => startupSection(ctx, points, seed));
  if (startup) sections.push(startup.section);
  const memory = await step('memory', async () => memorySection(ctx, points, await seedCorpus(ctx)));
  if (memory) sections.push(memory);
  const scale = await step('scale', async () => {
    const recalls = [];
    for (const point of points) recalls.push(await storedRecall(ctx, point.corpus, seed));
    return scaleSection(points, startup?.coldStarts ?? new Map(), recalls);
  });
  if (scale) sections.push(scale);
}

const bot = await step('bot', () => benchBotPath(ctx, annSize));
if (bot) sections.push(bot);
sections.push(historySection(sections));

const cpu = cpus();
const report: BenchReport = {
  startedAt: new Date(started).toISOString(),
  durationSeconds: (Date.now() - started) / 1000,
  quick: ctx.quick,
  sizes: points ? points.map((p) => p.size) : sizes,
  notRun: served?.notRun ?? [],
  machine: { cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, memoryGb: totalmem() / 2 ** 30, node: process.version, platform: `${process.platform} ${process.arch}` },
  sections,
};

const resultsDir = join(root, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
const stamp = report.startedAt.replace(/[:.]/g, '-');
const text = markdown(report);
writeFileSync(join(resultsDir, `${stamp}.json`), JSON.stringify(report, null, 2));
writeFileSync(join(resultsDir, `${stamp}.md`), text);
if (points) {
  const series = (name: string, color: string, p: number) => ({
    name,
    color,
    points: points.map((pt) => ({ x: pt.size, y: percentile(pt.serve.samples.map((s) => s.tookMs), p) })),
  });
  writeFileSync(join(resultsDir, `${stamp}.svg`), lineChart('paperscout ask latency by corpus size', 'papers (log scale)', 'ms', [series('p50', '#1f77b4', 50), series('p95', '#ff7f0e', 95)]));
  if (!ctx.quick) copyFileSync(join(resultsDir, `${stamp}.svg`), join(resultsDir, 'latest.svg'));
}
if (!ctx.quick) {
  copyFileSync(join(resultsDir, `${stamp}.md`), join(resultsDir, 'latest.md'));
  copyFileSync(join(resultsDir, `${stamp}.json`), join(resultsDir, 'latest.json'));
}
process.stdout.write(text);
process.stdout.write(`\nSummary (figures with targets):\n| figure | value | target |\n|---|---|---|\n${summaryRows(report).join('\n')}\n`);
