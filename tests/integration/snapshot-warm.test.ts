import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelFingerprint } from '../../src/engine/build-from-sources.js';
import { loadGeneration } from '../../src/index/generation.js';
import type { IndexSnapshot } from '../../src/index/snapshot.js';
import { Engine } from '../../src/engine/engine.js';
import { quietLogger, seededDataDir, testConfig } from '../setup/engine.js';

/** What the engine prepares in the background once a snapshot is live (IndexSnapshot.warmSteps). */
describe('a snapshot warmed ahead of questions', () => {
  it('is warmed by an engine once open, and it answers meanwhile', async () => {
    const engine = await Engine.open(testConfig(seededDataDir()), { log: quietLogger(), reloadOnOpen: false });
    try {
      const asked = engine.ask('how do MLPs scale on vision tasks?', { k: 1 }); // while it warms
      await engine.warmed;
      expect((await asked).results).toHaveLength(1);
      expect(engine.trending().items.length).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
  });

  const dataDir = seededDataDir();
  const config = testConfig(dataDir);
  const open = () => loadGeneration(join(dataDir, 'index'), modelFingerprint(config, 384), config.hnsw.efSearch);
  const days = (snapshot: IndexSnapshot) => [...snapshot.listings].sort(([a], [b]) => a.localeCompare(b));

  it('gives the listings and BM25 answers of a cold one, whether it finished or stopped half-way', async () => {
    const [cold, warm, half] = [await open(), await open(), await open()];
    try {
      let steps = 0;
      for (const _ of warm.warmSteps()) steps++;
      expect(steps).toBeGreaterThan(warm.count); // every term's bound, then a step per paper
      const job = half.warmSteps();
      for (let i = 0; i < steps - 10; i++) job.next(); // into the listing pass, not through it
      expect(days(cold).length).toBeGreaterThan(0);
      expect(days(warm)).toEqual(days(cold));
      expect(days(half)).toEqual(days(cold)); // the first use finishes the job the background began
      expect(job.next().done).toBe(true); // and the background then finds it done
      const weights = cold.bm25.termWeights('sparse attention for long documents');
      expect(warm.bm25.top(weights, 20)).toEqual(cold.bm25.top(weights, 20));
    } finally {
      for (const snapshot of [cold, warm, half]) snapshot.close();
    }
  });
});
