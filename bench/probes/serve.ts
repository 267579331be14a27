/**
 * Runs in its own process so that start-up time and memory are measured cleanly:
 *   serve.ts <dataDir> <sourcesDir> <queries.json> <repeats>
 * Opens the built index (no source check), lets it warm (Engine.warmed), answers every query
 * `repeats` times, and prints one JSON line: cold start, warm-up, per-query latencies with their
 * breakdown, and peak RSS.
 */
import { readFileSync } from 'node:fs';
import { Engine } from '../../src/engine/engine.js';
import { createLogger } from '../../src/log.js';
import { benchConfig } from '../lib/synthetic.js';
import { peakRssBytes } from './peak-rss.js';

const [dataDir, sources, queriesPath, repeatsText] = process.argv.slice(2);
const root = new URL('../../', import.meta.url).pathname;
const queries = JSON.parse(readFileSync(queriesPath!, 'utf8')) as string[];
const baselineRss = process.memoryUsage().rss;

const started = performance.now();
const engine = await Engine.open(benchConfig(root, dataDir!, sources!), { log: createLogger({ level: 'warn' }), reloadOnOpen: false });
const coldStartMs = performance.now() - started;
const afterOpenRss = process.memoryUsage().rss;
// Questions start once the engine has prepared its index ahead of them, as a bot has by its first one.
await engine.warmed;
const warmMs = performance.now() - started - coldStartMs;

const samples: { tookMs: number; embedMs: number; lexicalMs: number; searchMs: number; summaryMs: number }[] = [];
for (let r = 0; r < Number(repeatsText ?? 3); r++) {
  for (const query of queries) {
    const result = await engine.ask(query);
    samples.push({ tookMs: result.tookMs, ...result.timings });
  }
}
const papers = engine.stats().papers;
await engine.close();
process.stdout.write(
  `${JSON.stringify({
    papers,
    coldStartMs,
    warmMs,
    samples,
    baselineRssBytes: baselineRss,
    afterOpenRssBytes: afterOpenRss,
    peakRssBytes: peakRssBytes(),
  })}\n`,
);
