import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { DEFAULT_CLIENT_OPTIONS } from '../../src/feed/daily-client.js';
import { fetchDays } from '../../src/feed/refresh.js';
import { quietLogger, seededDataDir, testConfig } from '../setup/engine.js';
import { startHfServer } from '../setup/hf-server.js';

describe('ask with hasCode', () => {
  let engine: Engine;
  beforeAll(async () => {
    const hf = await startHfServer();
    const dataDir = seededDataDir();
    try {
      await fetchDays(['2025-03-13', '2025-03-14'], dataDir, { ...DEFAULT_CLIENT_OPTIONS, baseUrl: hf.url });
    } finally {
      await hf.close();
    }
    engine = await Engine.open(testConfig(dataDir), { log: quietLogger() });
  });
  afterAll(() => engine?.close());

  const question = 'how can I make LLM decoding faster with a small draft model?';

  it('keeps only papers with a repository, in the order and with the scores they have unfiltered', async () => {
    const all = await engine.ask(question, { k: 50 });
    const withCode = await engine.ask(question, { k: 50, hasCode: true });
    // The seed's papers link no repository; three of the fetched ones do.
    expect(all.results.some((r) => !r.links.github)).toBe(true);
    expect(withCode.results.map((r) => r.id).sort()).toEqual(['2503.09001', '2503.09003', '2503.10002']);
    expect(withCode.results.every((r) => r.links.github?.startsWith('https://github.com/'))).toBe(true);
    // Those within the unfiltered ranking's reach come first, as they rank there; the filter draws deeper for the rest.
    const unfiltered = all.results.filter((r) => r.links.github).map((r) => [r.id, r.score]);
    expect(unfiltered.length).toBeGreaterThan(0);
    expect(withCode.results.slice(0, unfiltered.length).map((r) => [r.id, r.score])).toEqual(unfiltered);
    expect(withCode.results.map((r) => r.rank)).toEqual([1, 2, 3]);
    expect(withCode.results[0]!.id).toBe('2503.09003');
    expect(withCode.hasMore).toBe(false);
  });

  it('pages through the filtered ranking', async () => {
    const first = await engine.ask(question, { k: 2, hasCode: true });
    const second = await engine.ask(question, { k: 2, offset: 2, hasCode: true });
    expect(first.hasMore).toBe(true);
    expect(second.results.map((r) => r.rank)).toEqual([3]);
    expect(new Set([...first.results, ...second.results].map((r) => r.id)).size).toBe(3);
  });
});
