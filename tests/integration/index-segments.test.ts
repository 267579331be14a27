import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { readManifest, verifyGeneration } from '../../src/index/generation.js';
import { MAX_SEGMENTS } from '../../src/index/segments.js';
import { quietLogger, seededDataDir, tempDir, testConfig } from '../setup/engine.js';
import { SEEDS } from '../setup/paths.js';

/**
 * Append-only segments over many reloads: each reload adds small segments, the newest small ones
 * are merged once there are more than MAX_SEGMENTS, and none of it changes an answer: after adds,
 * removals, refreshed details and merges, every question ranks exactly as on a full rebuild of the
 * same papers.
 */
const widget = (n: number, upvotes = n) =>
  JSON.stringify({
    id: `widget-${n}`,
    title: `Widget number ${n} for message passing in graph learning`,
    abstract: `We study widget ${n}, a gate on the edges of a graph. It improves message passing on molecule benchmarks by ${n} points. The method adds no parameters.`,
    source: 'test',
    upvotes,
  });

const QUESTIONS = ['how do MLPs scale on vision tasks?', 'widget gates for message passing on molecules', 'widget number 7', 'sparse attention for long documents', 'graph neural networks'];

async function answers(engine: Engine) {
  const out = [];
  for (const question of QUESTIONS) {
    const result = await engine.ask(question, { k: 8 });
    out.push(result.results.map((r) => `${r.id} ${r.score.toFixed(6)} ${JSON.stringify(r.summary)}`));
  }
  return out;
}

describe('append-only segments', () => {
  it(`merges the newest small segments past ${MAX_SEGMENTS}, and answers exactly as a full rebuild of the same papers`, async () => {
    const sources = tempDir();
    const dataDir = seededDataDir();
    const engine = await Engine.open(testConfig(dataDir, { PAPERSCOUT_SOURCES: `${SEEDS},${sources}` }), { log: quietLogger() });
    try {
      const reloads = MAX_SEGMENTS + 3;
      let merged = false;
      let largestReloadGraph = 0;
      for (let n = 1; n <= reloads; n++) {
        writeFileSync(join(sources, `widget-${n}.jsonl`), widget(n));
        if (n === 4) rmSync(join(sources, 'widget-2.jsonl')); // a removed paper: a dead label in an old segment
        if (n === 6) writeFileSync(join(sources, 'widget-3.jsonl'), widget(3, 99)); // refreshed: a new record, same label
        const report = await engine.reload();
        expect(report).toMatchObject({ fullRebuild: false, unchanged: false });
        const { segments } = readManifest(join(dataDir, 'index'));
        for (const kind of ['papers', 'sentences', 'lexical'] as const) expect(segments[kind].length, kind).toBeLessThanOrEqual(MAX_SEGMENTS + 1);
        if (segments.sentences.length < n + 1) merged = true;
        // Graphs merge as a binary counter does: a few segments, the full build's first and untouched.
        expect(segments.graphs.length).toBeLessThanOrEqual(4);
        expect(segments.graphs[0]).toMatchObject({ firstLabel: 0, labels: 64, vectors: 64 });
        const last = segments.graphs.at(-1)!;
        expect(last.firstLabel + last.labels).toBe(64 + n);
        largestReloadGraph = Math.max(largestReloadGraph, ...segments.graphs.slice(1).map((g) => g.labels));
      }
      expect(merged, 'the sentence segments were merged at least once').toBe(true);
      expect(largestReloadGraph, 'reloads\' graphs were merged at least once').toBeGreaterThan(1);
      const manifest = readManifest(join(dataDir, 'index'));
      expect(await verifyGeneration(join(dataDir, 'index'), manifest)).toEqual([]);
      expect(engine.stats().papers).toBe(64 + reloads - 1);
      expect((await engine.paper('widget-3')).upvotes).toBe(99);
      expect(engine.hasPaper('widget-2')).toBe(false);

      const incremental = await answers(engine);
      const rebuilt = await engine.reload({ force: true });
      expect(rebuilt).toMatchObject({ fullRebuild: true, embedded: 0 });
      expect(readManifest(join(dataDir, 'index')).segments.sentences).toHaveLength(1);
      expect(readManifest(join(dataDir, 'index')).segments.graphs).toHaveLength(1);
      expect(await answers(engine)).toEqual(incremental);
    } finally {
      await engine.close();
    }
  });
});
