import { benchQuestions, buildWontFit, corpus, hasBuild, serveInProcess, type Corpus, type ServeResult } from '../lib/corpora.js';
import { percentile } from '../../src/util/percentile.js';
import { figure } from '../lib/stats.js';
import type { BenchContext, Section } from '../lib/types.js';

export interface ScalePoint {
  size: number;
  corpus: Corpus;
  serve: ServeResult;
}

/** Opens each corpus in a fresh process and asks the question set against it. */
export async function servePoints(ctx: BenchContext, sizes: readonly number[]): Promise<{ points: ScalePoint[]; notRun: string[] }> {
  const questions = benchQuestions(ctx);
  const points: ScalePoint[] = [];
  const notRun: string[] = [];
  for (const size of sizes) {
    // A corpus built before needs no guess; its build's own figures are in its marker.
    const tooBig = hasBuild(ctx, size) ? undefined : buildWontFit(size, points.map((p) => p.corpus));
    if (tooBig) {
      ctx.log(`  skipping ${size}: ${tooBig}`);
      notRun.push(`${size} papers not run: ${tooBig}.`);
      continue;
    }
    let built: Corpus;
    try {
      built = await corpus(ctx, size);
    } catch (error) {
      // A build the machine could not finish (killed for memory, say) is reported, not fatal.
      ctx.log(`  building ${size} papers failed: ${(error as Error).message}`);
      notRun.push(`${size} papers not run: the build failed (${(error as Error).message.split('\n')[0]}).`);
      continue;
    }
    ctx.log(`  serving ${size} papers: ${questions.length} questions × ${ctx.quick ? 2 : 5}`);
    points.push({ size, corpus: built, serve: await serveInProcess(ctx, built, questions, ctx.quick ? 2 : 5) });
  }
  return { points, notRun };
}

const ms = (values: number[]) => values.map((v) => Math.round(v * 100) / 100);

/** Query latency by corpus size, with its parts: question embedding, BM25, vector search and fusion, summaries. */
export function querySection(points: readonly ScalePoint[], notRun: readonly string[]): Section {
  const rows = points.map(({ size, serve }) => {
    const took = serve.samples.map((s) => s.tookMs);
    return [
      size,
      percentile(took, 50).toFixed(1),
      percentile(took, 95).toFixed(1),
      percentile(took, 99).toFixed(1),
      percentile(serve.samples.map((s) => s.embedMs), 50).toFixed(2),
      percentile(serve.samples.map((s) => s.lexicalMs), 50).toFixed(2),
      percentile(serve.samples.map((s) => s.searchMs), 50).toFixed(2),
      percentile(serve.samples.map((s) => s.summaryMs), 50).toFixed(2),
      serve.samples.length,
      serve.warmMs === undefined ? '' : Math.round(serve.warmMs),
    ];
  });
  const at = points.find((p) => p.size === 100_000) ?? points.at(-1);
  if (!at) return { id: 'query', title: 'Query latency (engine ask)', figures: [], notes: [...notRun], skipped: 'no corpus could be built and served' };
  const samples = at.serve.samples;
  const label = at.size === 100_000 ? 'at 100k' : `at ${at.size} (largest run)`;
  return {
    id: 'query',
    title: 'Query latency (engine ask)',
    figures: [
      { ...figure(`ask p50 ${label}`, 'ms', ms(samples.map((s) => s.tookMs))), target: { op: '<=', value: 15 } },
      {
        name: `ask p95 ${label}`,
        unit: 'ms',
        median: percentile(samples.map((s) => s.tookMs), 95),
        runs: samples.length,
        target: { op: '<=', value: 50 },
      },
      { ...figure(`question embedding p50 ${label}`, 'ms', ms(samples.map((s) => s.embedMs))), target: { op: '<=', value: 10 } },
      figure(`BM25 top documents p50 ${label}`, 'ms', ms(samples.map((s) => s.lexicalMs))),
      figure(`search and fusion p50 ${label}`, 'ms', ms(samples.map((s) => s.searchMs))),
      figure(`summaries p50 ${label}`, 'ms', ms(samples.map((s) => s.summaryMs))),
    ],
    tables: [
      {
        title: 'Latency by corpus size (ms; each question asked repeatedly in one process)',
        columns: ['papers', 'ask p50', 'ask p95', 'ask p99', 'embed p50', 'BM25 p50', 'search+fusion p50', 'summaries p50', 'queries', 'warm-up ms'],
        rows,
      },
    ],
    notes: [
      ...notRun,
      'Questions: the 75 evaluation questions and 26 out-of-domain ones, real model. Corpora beyond the seed are synthetic (see README, "Benchmarks").',
      'Each process opens the index, then waits until the engine has prepared it ahead of questions (warm-up: every BM25 term bound, then the listing days; done in the background while no question is under way), as a bot has by the time its first question comes; then it asks. Cold start is measured apart (Build, start-up and reload).',
    ],
  };
}
