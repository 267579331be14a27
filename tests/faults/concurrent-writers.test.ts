import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { runCli } from '../setup/cli.js';
import { quietLogger, seededDataDir, testConfig } from '../setup/engine.js';

/**
 * Two writers at once (issue 11, defect 4): `paperscout ingest A & paperscout ingest B` crashed one of
 * them with `Hnswlib Error: failed to open file: …/gen-…/hnsw.bin`, because it built on the generation
 * it had opened before waiting for the lock, which the other's commit had deleted. Needs `npx tsc -p .`.
 */
const SEED_PAPERS = 64;

const papers = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      id: `${prefix}-${i}`,
      title: `Gadget ${prefix}${i}: sparse routing for mixture-of-experts language models`,
      abstract: `We study gadget ${prefix}${i}, a router for mixture-of-experts layers. It balances ${i + 2} experts per token without an auxiliary loss. Perplexity improves on ${prefix} benchmarks.`,
      source: 'test',
    }),
  ).join('\n');

/** Papers embedded by a CLI build, from its report line ("… 3 papers embedded …" or "nothing to embed"). */
function embeddedBy(stdout: string): number {
  if (/Index is up to date/.test(stdout)) return 0;
  const found = /(\d+) papers embedded/.exec(stdout);
  if (!found) throw new Error(`no build report in: ${stdout}`);
  return Number(found[1]);
}

const generations = (dataDir: string) => readdirSync(join(dataDir, 'index')).filter((n) => n.startsWith('gen-'));

describe('two writers at once', () => {
  it('two concurrent ingests of different files both succeed, the index holds both, nothing is embedded twice', async () => {
    const dataDir = seededDataDir();
    const a = join(dataDir, 'a.jsonl');
    const b = join(dataDir, 'b.jsonl');
    writeFileSync(a, papers('a', 3));
    writeFileSync(b, papers('b', 2));

    const runs = await Promise.all([runCli(['ingest', a], { dataDir }), runCli(['ingest', b], { dataDir })]);
    for (const run of runs) expect(run.stderr).not.toMatch(/Hnswlib|unexpected/);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    // Each paper was embedded by exactly one of them: the later writer found the earlier one's vectors.
    expect(runs.map((r) => embeddedBy(r.stdout)).reduce((x, y) => x + y)).toBe(5);

    const status = await runCli(['index', 'status', '--json'], { dataDir });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ ok: true, verified: true, upToDate: true, papers: SEED_PAPERS + 5 });
    expect(generations(dataDir)).toEqual([JSON.parse(status.stdout).generation]);
  });

  it('a reader keeps its generation through another process committing, then reloads from the current one', async () => {
    const dataDir = seededDataDir();
    const engine = await Engine.open(testConfig(dataDir), { log: quietLogger() });
    try {
      const held = engine.generation;
      const c = join(dataDir, 'c.jsonl');
      writeFileSync(c, papers('c', 2));
      const ingest = await runCli(['ingest', c], { dataDir });
      expect(ingest.code).toBe(0);
      expect(generations(dataDir)).not.toContain(held);

      // The swept generation's files are still readable through what this process holds of them.
      expect((await engine.ask('how do MLPs scale on vision tasks?', { k: 3 })).results).toHaveLength(3);
      expect(engine.paper('2306.13575').abstract.length).toBeGreaterThan(0);

      // The reload builds on the generation now current, not on the swept one it held, and embeds nothing.
      const report = await engine.reload();
      expect(report).toMatchObject({ embedded: 0, count: SEED_PAPERS + 2 });
      expect(engine.hasPaper('c-0') && engine.hasPaper('c-1')).toBe(true);
      expect(engine.generation).toBe(generations(dataDir)[0]);
    } finally {
      await engine.close();
    }
  });
});
