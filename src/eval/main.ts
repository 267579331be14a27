#!/usr/bin/env node
/**
 * Retrieval quality, on named sets:
 *   seed     the bundled seed with tests/eval/questions.jsonl (default)
 *   scifact  SciFact (BEIR): nDCG@10, recall@10, MRR@10 and the marked sentence's rationale precision
 *   hf       known-item search over the real Hugging Face days, asked by each paper's ai_summary
 *   watch    topic watches: precision and recall of matching on hand-labelled real days
 *   followups  tests/eval/followups.jsonl over the seed: a follow-up in context, alone, and the first question alone
 *   taste    taste learned from simulated votes on the real days: /recommend's precision@10
 *   all      each of them in turn
 *   npm run eval -- [--set seed|scifact|hf|watch|followups|taste|all] [--model minilm|bge-small] [--json]
 */
import 'dotenv/config';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadModelName } from '../config.js';
import { isMain } from '../util/is-main.js';
import { followUpsTable, runFollowUps } from './followups-run.js';
import { hfTable, runHf } from './hf-run.js';
import { writeResults } from './results-file.js';
import { runSciFact, sciFactTable } from './scifact-run.js';
import { runWatch, watchTable } from './watch-run.js';
import { runSeed, seedTable } from './seed-run.js';
import { runTaste, tasteTable } from './taste-run.js';

/** The taste set's days: enough weeks to vote on and to recommend from, at a few minutes' build. */
const TASTE_DAYS = 120;

const SETS = ['seed', 'scifact', 'hf', 'watch', 'followups', 'taste'] as const;

interface Options {
  set: (typeof SETS)[number] | 'all';
  split: 'test' | 'train';
  model: string;
  realworld: string;
  limitDocs?: number;
  limitQueries?: number;
  questions: string;
  ood: string;
  followups: string;
  grid?: boolean;
  json?: boolean;
  days: number;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

/** Runs one set; returns its printed table and its report, which is also written to bench/results/. */
async function runSet(set: (typeof SETS)[number], opts: Options): Promise<{ table: string; report: { createdAt: string } }> {
  const real = { model: opts.model, realworld: resolve(opts.realworld), limitDocs: opts.limitDocs, limitQueries: opts.limitQueries };
  const full = opts.limitDocs === undefined && opts.limitQueries === undefined;
  if (set === 'seed') {
    const report = await runSeed(opts);
    writeResults(`seed-${report.model.split('/').at(-1)}`, report, !opts.grid);
    return { table: seedTable(report), report };
  }
  if (set === 'followups') {
    const report = await runFollowUps(opts);
    writeResults(`followups-${report.model.split('/').at(-1)}`, report, true);
    return { table: followUpsTable(report), report };
  }
  if (set === 'scifact') {
    const report = await runSciFact({ ...real, split: opts.split === 'test' ? 'dev' : 'train' });
    writeResults(`scifact-${opts.split}-${report.model.split('/').at(-1)}`, report, full);
    return { table: sciFactTable(report), report };
  }
  if (set === 'watch') {
    const report = await runWatch({ ...real, labels: 'tests/eval/watch-labels.jsonl' });
    writeResults(`watch-${report.model.split('/').at(-1)}`, report, true);
    return { table: watchTable(report), report };
  }
  if (set === 'taste') {
    const report = await runTaste({ ...real, days: opts.days });
    writeResults(`taste-${report.model.split('/').at(-1)}`, report, opts.days === TASTE_DAYS);
    return { table: tasteTable(report), report };
  }
  const report = await runHf(real);
  writeResults(`hf-${report.model.split('/').at(-1)}`, report, full);
  return { table: hfTable(report), report };
}

async function main(): Promise<void> {
  const opts = new Command()
    .addOption(new Option('--set <set>', 'which set to measure').choices([...SETS, 'all']).default('seed'))
    .addOption(new Option('--split <split>', 'scifact: the claims to ask (tune on train only)').choices(['test', 'train']).default('test'))
    .option('--model <model>', 'embedding model or alias', loadModelName())
    .option('--realworld <dir>', 'scifact, hf: the folder holding scifact/ and hf-days/, read in place', '../shared/realworld')
    .option('--limit-docs <n>', 'scifact, hf: index at most n papers (scifact keeps the asked claims\' relevant ones); for development', positiveInt)
    .option('--limit-queries <n>', 'scifact, hf: ask at most n questions; for development', positiveInt)
    .option('--questions <path>', 'seed: JSONL of {question, expected}', 'tests/eval/questions.jsonl')
    .option('--ood <path>', 'seed: out-of-domain questions, one per line', 'tests/eval/out-of-domain.txt')
    .option('--followups <path>', 'followups: JSONL of {first, followUp, expected}', 'tests/eval/followups.jsonl')
    .option('--grid', 'seed: also search a grid of fusion weights')
    .option('--days <n>', 'taste: simulate on the latest n real days', positiveInt, TASTE_DAYS)
    .option('--json', 'print JSON')
    .parse()
    .opts<Options>();

  const sets = opts.set === 'all' ? SETS : [opts.set];
  const runs = [];
  for (const set of sets) {
    const run = await runSet(set, opts);
    runs.push(run);
    if (!opts.json) process.stdout.write(`${run.table}\n\n`);
  }
  if (opts.json) {
    const reports = runs.map((r) => r.report);
    process.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
  }
}

if (isMain(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`eval: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
