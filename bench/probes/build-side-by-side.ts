/**
 * Times full index builds of the same sources by two checkouts of paperscout, in one run on one machine:
 *   tsx bench/probes/build-side-by-side.ts --base <checkout> [--sources <dir>] [--days <n>] [--order base,ours] [--env K=V …]
 * Each build is timed-build.ts (Engine.open with `<checkout>/dist`) in a fresh data folder (so no
 * vector comes from an embedding cache), under /usr/bin/time for wall and CPU seconds. The checkouts must be
 * compiled (`npx tsc -p .` in each). `--days n` builds the first n files of the sources folder only.
 * Prints one JSON line per build (with its time by stage, where the checkout reports it), then the
 * ratio of the mean wall times.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ours = resolve(new URL('../../', import.meta.url).pathname);
const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    sources: { type: 'string', default: join(ours, '../shared/realworld/hf-days') },
    days: { type: 'string' },
    order: { type: 'string', default: 'base,ours' },
    env: { type: 'string', multiple: true, default: [] },
  },
});
if (!values.base) throw new Error('--base <checkout> is required');
const checkouts: Record<string, string> = { base: resolve(values.base), ours };
const work = mkdtempSync(join(tmpdir(), 'paperscout-side-by-side-'));

/** The sources folder, or a folder of links to its first `days` files. */
function sourcesDir(): string {
  const dir = resolve(values.sources);
  if (!values.days) return dir;
  const subset = join(work, 'sources');
  mkdirSync(subset);
  for (const name of readdirSync(dir).sort().slice(0, Number(values.days))) symlinkSync(join(dir, name), join(subset, name));
  return subset;
}

const sources = sourcesDir();
const extraEnv = Object.fromEntries(values.env.map((pair) => pair.split('=', 2) as [string, string]));
const runs: { checkout: string; wallS: number; cpuS: number; buildS: number; papers: number; papersPerS: number; stagesMs?: Record<string, number> }[] = [];
for (const [i, name] of values.order.split(',').entries()) {
  const checkout = checkouts[name];
  if (!checkout) throw new Error(`--order names ${name}; known: ${Object.keys(checkouts).join(', ')}`);
  const dataDir = join(work, `data-${i}-${name}`);
  const timing = join(work, `time-${i}`);
  const runner = join(ours, 'bench/probes/timed-build.ts');
  const output = execFileSync('/usr/bin/time', ['-f', '%e %U %S', '-o', timing, process.execPath, '--import', 'tsx', runner, checkout], {
    cwd: ours,
    env: {
      ...process.env,
      PAPERSCOUT_DATA_DIR: dataDir,
      PAPERSCOUT_SOURCES: sources,
      PAPERSCOUT_MODELS_DIR: join(ours, 'data/models'),
      PAPERSCOUT_ALLOW_EXTERNAL_PATHS: 'true',
      MODEL_OFFLINE: 'true',
      LOG_LEVEL: 'error',
      ...extraEnv,
    },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 << 20,
  });
  const [wall, user, system] = readFileSync(timing, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number, number];
  const { buildMs, papers, stagesMs } = JSON.parse(output.trim().split('\n').at(-1)!) as { buildMs: number; papers: number; stagesMs?: Record<string, number> };
  const run = { checkout: name, wallS: wall, cpuS: user + system, buildS: buildMs / 1000, papers, papersPerS: papers / wall, stagesMs };
  runs.push(run);
  process.stdout.write(`${JSON.stringify(run)}\n`);
  rmSync(dataDir, { recursive: true, force: true });
}
const mean = (name: string) => {
  const walls = runs.filter((r) => r.checkout === name).map((r) => r.wallS);
  return walls.reduce((a, b) => a + b, 0) / walls.length;
};
if (runs.some((r) => r.checkout === 'base') && runs.some((r) => r.checkout === 'ours')) {
  process.stdout.write(`${JSON.stringify({ sources, baseWallS: mean('base'), oursWallS: mean('ours'), oursShareOfBase: mean('ours') / mean('base') })}\n`);
}
rmSync(work, { recursive: true, force: true });
