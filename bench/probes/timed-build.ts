/**
 * Runs in its own process for build-side-by-side.ts:
 *   timed-build.ts <checkout>
 * Builds the index of the configured sources (PAPERSCOUT_* from the environment) with the compiled
 * code of another checkout (`<checkout>/dist`), and prints one JSON line: build time, papers, and the
 * build's time by stage where that checkout reports it.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { roundedStages } from '../lib/stages.js';

const checkout = process.argv[2]!;
// A name of its own, so that no one's clean-up of their own `index build` processes matches this one.
process.title = 'paperscout-timed-build';
const load = (path: string) => import(pathToFileURL(join(checkout, 'dist', path)).href);
const [{ loadEngineConfig }, { Engine }, { createLogger }] = await Promise.all([load('config.js'), load('engine/engine.js'), load('log.js')]);
const started = performance.now();
const engine = await Engine.open(loadEngineConfig(process.env, checkout), { log: createLogger({ level: 'error' }) });
const buildMs = performance.now() - started;
const { papers, lastReload } = engine.stats() as { papers: number; lastReload?: { stagesMs?: Record<string, number> } };
const stagesMs = roundedStages(lastReload);
await engine.close();
process.stdout.write(`${JSON.stringify({ buildMs, papers, stagesMs })}\n`);
