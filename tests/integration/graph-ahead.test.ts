import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelFingerprint } from '../../src/engine/build-from-sources.js';
import { FILES, loadGeneration, readGraphAhead, readManifest } from '../../src/index/generation.js';
import { seededDataDir, testConfig } from '../setup/engine.js';

/** The bot's engine reads a new generation's graph while its build thread checksums it and commits (build-thread-client.ts). */
describe('a graph read ahead of its commit', () => {
  const dataDir = seededDataDir();
  const config = testConfig(dataDir);
  const indexDir = join(dataDir, 'index');
  const { generation } = readManifest(indexDir);
  const fingerprint = modelFingerprint(config, 384);
  const load = (ahead: ReturnType<typeof readGraphAhead>) => loadGeneration(indexDir, fingerprint, config.hnsw.efSearch, undefined, ahead);

  it('is the graph the snapshot serves, when it is the live generation’s', async () => {
    const ahead = readGraphAhead(join(indexDir, generation, FILES.index), 384);
    expect(ahead.generation).toBe(generation);
    const snapshot = await load(ahead);
    try {
      expect(snapshot.hnsw).toBe(await ahead.graph);
      expect(snapshot.count).toBe(64);
    } finally {
      snapshot.close();
    }
  });

  it('is set aside for another generation, and a read that failed is done again', async () => {
    const other = readGraphAhead(join(indexDir, generation, FILES.index), 384);
    const failed = readGraphAhead(join(indexDir, generation, 'no-such-graph.bin'), 384);
    await expect(failed.graph).rejects.toThrow();
    for (const ahead of [{ ...other, generation: 'gen-another' }, failed]) {
      const snapshot = await load(ahead);
      try {
        expect(snapshot.hnsw).not.toBe(await other.graph);
        expect(snapshot.hnsw.getCurrentCount()).toBe(64);
      } finally {
        snapshot.close();
      }
    }
  });
});
