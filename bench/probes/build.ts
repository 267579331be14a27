/**
 * Runs in its own process so that a build's peak memory is its own:
 *   build.ts <dataDir> <sourcesDir>
 * Builds the index of the sources (Engine.open on an empty data folder) and prints one JSON line:
 * wall time and peak RSS.
 */
import { Engine } from '../../src/engine/engine.js';
import { createLogger } from '../../src/log.js';
import { benchConfig } from '../lib/synthetic.js';
import { peakRssBytes } from './peak-rss.js';

const [dataDir, sources] = process.argv.slice(2);
const root = new URL('../../', import.meta.url).pathname;
const started = performance.now();
const engine = await Engine.open(benchConfig(root, dataDir!, sources!), { log: createLogger({ level: 'warn' }) });
const buildMs = performance.now() - started;
await engine.close();
process.stdout.write(`${JSON.stringify({ buildMs, peakRssBytes: peakRssBytes() })}\n`);
