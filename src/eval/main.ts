#!/usr/bin/env node
/**
 * Retrieval quality, on named sets:
 *   seed     the bundled seed with tests/eval/questions.jsonl (default)
 *   scifact  SciFact (BEIR): nDCG@10, recall@10, MRR@10 and the marked sentence's rationale precision
 *   hf       known-item search over the real Hugging Face days, asked by each paper's ai_summary
 *   questions  the held-out researcher questions of tests/eval/hf-questions.jsonl, over the hf build
 *   watch    topic watches: precision and recall of matching on hand-labelled real days
 *   followups  tests/eval/followups.jsonl over the seed: a follow-up in context, alone, and the first question alone
 *   taste    taste learned from simulated votes on the real days: /recommend's precision@10
 *   all      each of them in turn
 *   npm run eval -- [--set seed|scifact|hf|questions|watch|followups|taste|all] [--model minilm|bge-small|e5-small] [--json]
 *   npm run eval -- --tune   grid of ranking settings on the tuning sets (SciFact train, hf ai_summary)
 *   npm run eval -- --fit-mark   fit the marked sentence's weights on SciFact train's rationale sentences
 */
import 'dotenv/config';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadModelName } from '../config.js';
import { isMain } from '../util/is-main.js';
import { calibrationTable, runCalibration } from './calibrate-run.js';
import { followUpsTable, runFollowUps } from './followups-run.js';
import { hfTable, runHf, runHfQuestions } from './hf-run.js';
import { fitMark, markFitTable } from './mark-fit.js';
import { readNonBlankLines, readQuestions } from './metrics.js';
import { writeResults } from './results-file.js';
import { measureSpeed, type ModelSpeed } from './speed.js';
import { textTable } from './table.js';
import { evalEngineConfig } from './workspace.js';
import { runSciFact, sciFactTable } from './scifact-run.js';
import { runWatch, watchTable } from './watch-run.js';
import { runSeed, seedTable } from './seed-run.js';
import { runTaste, tasteTable } from './taste-run.js';
import { tune, tuningPools, tuningTable } from './tune.js';

/** The taste set's days: enough weeks to vote on and to recommend from, at a few minutes' build. */
const TASTE_DAYS = 120;

const SETS = ['seed', 'scifact', 'hf', 'questions', 'watch', 'followups', 'taste'] as const;

interface Options {
  set: (typeof SETS)[number] | 'all';
  split: 'test' | 'train';
  model: string;
  realworld: string;
  limitDocs?: number;
  limitQueries?: number;
  questions: string;
  hfQuestions: string;
  ood: string;
  followups: string;
  grid?: boolean;
  tune?: boolean;
  fitMark?: boolean;
  calibrate?: boolean;
  speed?: string;
  tuneSample: number;
  json?: boolean;
  days: number;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

const realOptions = (opts: Options) => ({ model: opts.model, realworld: resolve(opts.realworld), limitDocs: opts.limitDocs, limitQueries: opts.limitQueries });

/** Runs one set; returns its printed table and its report, which is also written to bench/results/. */
async function runSet(set: (typeof SETS)[number], opts: Options): Promise<{ table: string; report: { createdAt: string } }> {
  const real = realOptions(opts);
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
  const report = set === 'hf' ? await runHf(real) : await runHfQuestions(real, readQuestions(resolve(opts.hfQuestions)));
  writeResults(`${set}-${report.model.split('/').at(-1)}`, report, full);
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
    .option('--hf-questions <path>', 'questions: JSONL of {question, expected} over hf-days', 'tests/eval/hf-questions.jsonl')
    .option('--ood <path>', 'seed, calibrate: out-of-domain questions, one per line', 'tests/eval/out-of-domain.txt')
    .option('--followups <path>', 'followups: JSONL of {first, followUp, expected}', 'tests/eval/followups.jsonl')
    .option('--grid', 'seed: also search a grid of fusion weights')
    .option('--days <n>', 'taste: simulate on the latest n real days', positiveInt, TASTE_DAYS)
    .option('--tune', 'score a grid of ranking settings on SciFact train and hf ai_summary questions (--set scifact or hf: that one only)')
    .option('--fit-mark', 'fit the marked-sentence weights on SciFact train (the quality tests\' claims left out), print them')
    .option('--calibrate', 'fit the shown relevance and the low-confidence threshold on the tuning sets, report test reliability (--set scifact: without hf)')
    .option('--speed <models>', 'instead of a set: question-embedding p50 and build throughput of these models (comma-separated)')
    .option('--tune-sample <n>', 'tune, calibrate: hf ai_summary questions to use', positiveInt, 1000)
    .option('--json', 'print JSON')
    .parse()
    .opts<Options>();

  if (opts.tune) {
    const sets = opts.set === 'scifact' || opts.set === 'hf' ? [opts.set] : (['scifact', 'hf'] as const);
    const pools = await tuningPools({ ...realOptions(opts), hfQuestions: opts.tuneSample, sets });
    const rows = tune(pools);
    process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : `${tuningTable(rows)}\n`);
    return;
  }
  if (opts.fitMark) {
    const report = await fitMark(realOptions(opts));
    writeResults(`mark-fit-${report.model.split('/').at(-1)}`, report, opts.limitDocs === undefined && opts.limitQueries === undefined);
    process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${markFitTable(report)}\n`);
    return;
  }
  if (opts.speed) {
    const asked = readQuestions(resolve(opts.hfQuestions)).map((q) => q.question);
    const speeds: ModelSpeed[] = [];
    for (const model of opts.speed.split(',')) speeds.push(await measureSpeed(model.trim(), resolve(opts.realworld), asked));
    const report = { set: 'speed', createdAt: new Date().toISOString(), speeds };
    writeResults('speed', report, true);
    const rows = speeds.map((s) => [s.model, s.questionP50Ms.toFixed(2), s.papersPerSecond.toFixed(1), (speeds[0]!.papersPerSecond / s.papersPerSecond).toFixed(2)]);
    process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${textTable(['model', 'question p50 ms', 'build papers/s', 'build time vs first'], rows)}\n`);
    return;
  }
  if (opts.calibrate) {
    const report = await runCalibration({
      model: opts.model,
      realworld: resolve(opts.realworld),
      hf: opts.set !== 'scifact',
      hfSample: opts.tuneSample,
      hfQuestions: readQuestions(resolve(opts.hfQuestions)),
      outOfDomain: readNonBlankLines(resolve(opts.ood)),
      configuredThreshold: evalEngineConfig(opts.model, '.').lowConfidenceThreshold,
    });
    writeResults(`calibration-${report.model.split('/').at(-1)}`, report, true);
    process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${calibrationTable(report)}\n`);
    return;
  }
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
