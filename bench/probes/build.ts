/**
 * Runs in its own process so that a build's peak memory is its own:
 *   build.ts <dataDir> <sourcesDir>
 * Builds the index of the sources (Engine.open on an empty data folder) and prints one JSON line:
 * wall time, peak RSS and peak JavaScript heap (sampled; the build yields every few milliseconds).
 */
import { getHeapStatistics } from 'node:v8';
import { Engine } from '../../src/engine/engine.js';
import { createLogger } from '../../src/log.js';
import { benchConfig } from '../lib/synthetic.js';
import { peakRssBytes } from './peak-rss.js';

const [dataDir, sources] = process.argv.slice(2);
const root = new URL('../../', import.meta.url).pathname;
let peakHeapBytes = 0;
const sampleHeap = () => (peakHeapBytes = Math.max(peakHeapBytes, getHeapStatistics().used_heap_size));
const sampler = setInterval(sampleHeap, 20);
const started = performance.now();
const engine = await Engine.open(benchConfig(root, dataDir!, sources!), { log: createLogger({ level: 'warn' }) });
const buildMs = performance.now() - started;
clearInterval(sampler);
sampleHeap();
await engine.close();
process.stdout.write(`${JSON.stringify({ buildMs, peakRssBytes: peakRssBytes(), peakHeapBytes })}\n`);
