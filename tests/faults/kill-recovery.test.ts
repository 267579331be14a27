import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { prng } from '../../bench/harness/random.js';
import { Engine } from '../../src/engine/engine.js';
import { readCatalog, readManifest } from '../../src/index/generation.js';
import { MAX_SEGMENTS } from '../../src/index/segments.js';
import { runCli, startCli, type Run } from '../setup/cli.js';
import { dailyPapersResponse } from '../setup/daily-papers.js';
import { quietLogger, seededDataDir, tempDir, testConfig } from '../setup/engine.js';
import { SEEDS } from '../setup/paths.js';

/**
 * kill -9 at seeded points of `ingest` and `index build --force` (issue 11): whatever the moment, the
 * next run of the same command recovers with a clear message, leaves an index whose every file
 * verifies, keeps every paper that was committed before the kill, and ends reflecting the sources.
 * Kill points are seeded fractions of a measured uninterrupted run, every other one within the part
 * where it writes the new generation, so they spread over start-up, embedding, writing the generation
 * and the manifest switch. Needs `npx tsc -p .` (it runs dist/).
 *
 * FAULT_SOAK=1 runs 50 points per command instead of 5.
 */
const POINTS = process.env.FAULT_SOAK === '1' ? 50 : 5;
/** Papers indexed before the kill (a few hundred, so a build has real writing to do)... */
const INDEXED = 300;
/** ...and papers an ingest adds, none embedded yet, so the ingest has embedding to do. */
const INGESTED = 30;
const RECOVERY_TIMEOUT_MS = 180_000;

const smallPaper = (n: number) =>
  JSON.stringify({ id: `small-${n}`, title: `A small study of widget ${n} in graphs`, abstract: `We study widget ${n}. It helps message passing on molecules.`, source: 'test' });

function liveIds(dataDir: string): Set<string> {
  const indexDir = join(dataDir, 'index');
  const catalog = readCatalog(indexDir, readManifest(indexDir));
  return new Set(Array.from({ length: catalog.size }, (_, label) => catalog.id(label)).filter((id): id is string => id !== null));
}

function expectSuperset(actual: Set<string>, expected: Set<string>, what: string): void {
  expect([...expected].filter((id) => !actual.has(id)), what).toEqual([]);
}

/** A clear message: no stack trace, nothing "unexpected", and a leftover lock is named when taken over. */
function expectRecovered(run: Run, lockLeft: boolean): void {
  const output = `${run.stdout}\n${run.stderr}`;
  expect(run.code, output).toBe(0);
  expect(run.stderr).not.toMatch(/unexpected|\n\s+at .+:\d+:\d+/);
  if (lockLeft) expect(run.stderr).toMatch(/index\.lock/);
}

async function expectVerified(dataDir: string, env: Record<string, string>): Promise<void> {
  const status = await runCli(['index', 'status'], { dataDir, env });
  expect(status.code, status.stdout + status.stderr).toBe(0);
  expect(status.stdout).toContain('files: verified against their checksums');
  expect(status.stdout).toContain('sources: unchanged since the build');
}

interface Scenario {
  args: string[];
  /** The ids the sources hold once the command has finished. */
  expected: Set<string>;
  durationMs: number;
  /** When the uninterrupted run began writing the new generation. */
  writingAtMs: number;
}

describe('kill -9 at seeded points', () => {
  let fixture: string;
  let env: Record<string, string>;
  let ingestFile: string;

  beforeAll(async () => {
    const feed = tempDir('paperscout-feed-');
    writeFileSync(join(feed, '2026-01-05.json'), await dailyPapersResponse(INDEXED, 1));
    const inbox = tempDir('paperscout-inbox-');
    ingestFile = join(inbox, '2026-01-06.json');
    writeFileSync(ingestFile, await dailyPapersResponse(INGESTED, 2, INDEXED));
    env = { PAPERSCOUT_SOURCES: `${SEEDS},${feed}` };
    fixture = seededDataDir();
    const built = await runCli(['index', 'build'], { dataDir: fixture, env, timeoutMs: RECOVERY_TIMEOUT_MS });
    expect(built.code, built.stderr).toBe(0);
  }, 300_000);

  /**
   * Runs the command once uninterrupted on a copy of the fixture: how long it takes, when it starts
   * writing the new generation (its folder appears), and the ids it ends with.
   */
  async function measure(args: string[], base = fixture): Promise<Scenario> {
    const dataDir = copyOf(base);
    const before = new Set(readdirSync(join(dataDir, 'index')));
    const started = performance.now();
    const running = startCli(args, { dataDir, env });
    let writingAtMs: number | undefined;
    const watch = setInterval(() => {
      const fresh = readdirSync(join(dataDir, 'index')).some((name) => name.startsWith('gen-') && !before.has(name));
      if (fresh && writingAtMs === undefined) writingAtMs = performance.now() - started;
    }, 5);
    const run = await running.exited;
    clearInterval(watch);
    const durationMs = performance.now() - started;
    expect(run.code, run.stderr).toBe(0);
    expect(writingAtMs, 'the run wrote a new generation').toBeDefined();
    return { args, expected: liveIds(dataDir), durationMs, writingAtMs: writingAtMs! };
  }

  function copyOf(base: string): string {
    const dir = tempDir();
    cpSync(base, dir, { recursive: true });
    return dir;
  }

  async function killAndRecover(scenario: Scenario, seed: number, base = fixture): Promise<void> {
    const random = prng(seed);
    const committedBefore = liveIds(base);
    expectSuperset(scenario.expected, committedBefore, 'the uninterrupted run keeps what was there');
    const landed: string[] = [];
    for (let point = 0; point < POINTS; point++) {
      const dataDir = copyOf(base);
      // Every other point falls while the generation is written and committed, the shortest phase.
      const from = point % 2 ? scenario.writingAtMs : 0;
      const killAt = Math.round(from + random() * (scenario.durationMs - from));
      const running = startCli(scenario.args, { dataDir, env });
      const timer = setTimeout(() => running.child.kill('SIGKILL'), killAt);
      const killed = await running.exited;
      clearTimeout(timer);
      const lastLine = killed.stderr.trim().split('\n').at(-1) ?? '';
      landed.push(`${killAt} ms: ${killed.signal ?? `exit ${killed.code}`} after "${lastLine.slice(0, 60)}"`);
      if (killed.signal === null) expect(killed.code, killed.stderr).toBe(0);

      // What was committed when the process died: the fixture's generation or the one it had switched to.
      const committed = existsSync(join(dataDir, 'index', 'manifest.json')) ? liveIds(dataDir) : new Set<string>();
      expectSuperset(committed, committedBefore, `point ${point} (${killAt} ms): a kill never uncommits`);
      const lockLeft = existsSync(join(dataDir, 'index.lock'));

      const recovery = await runCli(scenario.args, { dataDir, env, timeoutMs: RECOVERY_TIMEOUT_MS });
      expectRecovered(recovery, lockLeft);
      await expectVerified(dataDir, env);
      const live = liveIds(dataDir);
      expectSuperset(live, committed, `point ${point} (${killAt} ms): every committed paper is still indexed`);
      expect([...live].sort(), `point ${point} (${killAt} ms): the index reflects the sources`).toEqual([...scenario.expected].sort());
      const generations = readdirSync(join(dataDir, 'index')).filter((name) => name.startsWith('gen-'));
      expect(generations, 'the live generation is among those on disk').toContain(readManifest(join(dataDir, 'index')).generation);
    }
    console.log(`${scenario.args.join(' ')} (${Math.round(scenario.durationMs)} ms uninterrupted, writing from ${Math.round(scenario.writingAtMs)} ms), killed at:\n  ${landed.join('\n  ')}`);
  }

  it(`paperscout ingest, killed at ${POINTS} seeded points, is recovered by running it again`, async () => {
    const scenario = await measure(['ingest', '--allow-outside', ingestFile]);
    expect(scenario.expected.size).toBeGreaterThan(liveIds(fixture).size);
    await killAndRecover(scenario, 11);
  }, 1_200_000);

  it(`paperscout ingest that merges segments, killed at ${POINTS} seeded points, is recovered by running it again`, async () => {
    // The fixture after MAX_SEGMENTS small ingests: the next one takes the small segments past the
    // bound, so its reload merges them (rewriting records, sentence rows and postings) as it commits,
    // and merges the small graphs of those ingests with its own (graphsToMerge).
    const segmented = copyOf(fixture);
    mkdirSync(join(segmented, 'ingested'), { recursive: true });
    const engine = await Engine.open(testConfig(segmented, env), { log: quietLogger() });
    try {
      for (let n = 0; n < MAX_SEGMENTS; n++) {
        writeFileSync(join(segmented, 'ingested', `small-${n}.jsonl`), smallPaper(n));
        await engine.reload();
      }
    } finally {
      await engine.close();
    }
    const before = readManifest(join(segmented, 'index')).segments.sentences.length;
    const scenario = await measure(['ingest', '--allow-outside', ingestFile], segmented);
    const merged = copyOf(segmented);
    expect((await runCli(['ingest', '--allow-outside', ingestFile], { dataDir: merged, env, timeoutMs: RECOVERY_TIMEOUT_MS })).code).toBe(0);
    expect(readManifest(join(merged, 'index')).segments.sentences.length, 'the ingest merged the small segments').toBeLessThan(before);
    const graphs = readManifest(join(merged, 'index')).segments.graphs;
    expect(graphs, 'the full build\'s graph and one merged of every ingest since').toHaveLength(2);
    expect(graphs[1]!.vectors).toBe(MAX_SEGMENTS + INGESTED);
    await killAndRecover(scenario, 13, segmented);
  }, 1_500_000);

  it(`paperscout index build --force, killed at ${POINTS} seeded points, is recovered by running it again`, async () => {
    const scenario = await measure(['index', 'build', '--force']);
    await killAndRecover(scenario, 12);
  }, 1_200_000);
});
