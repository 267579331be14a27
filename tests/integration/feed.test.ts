import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { loadFeedConfig } from '../../src/config.js';
import { DEFAULT_CLIENT_OPTIONS, fetchDailyPapers, type DailyClientOptions } from '../../src/feed/daily-client.js';
import { parseRetryAfter } from '../../src/feed/get-json.js';
import { clientOptions, fetchDays, recentDates } from '../../src/feed/refresh.js';
import type { RetryNotice } from '../../src/feed/retry.js';
import { loadSources } from '../../src/papers/sources.js';
import { capturingLogger, quietLogger, seededDataDir, tempDir, testConfig } from '../setup/engine.js';
import { fixtureDays, startHfServer, type HfServer } from '../setup/hf-server.js';

let hf: HfServer;
beforeEach(async () => {
  hf = await startHfServer();
});
afterEach(() => hf.close());

const options = (extra: Partial<DailyClientOptions> = {}): DailyClientOptions => ({
  ...DEFAULT_CLIENT_OPTIONS,
  baseUrl: hf.url,
  minBackoffMs: 10,
  timeoutMs: 2000,
  ...extra,
});

describe('daily papers client', () => {
  it('fetches a day and maps it to papers with upvotes, authors, links and the AI summary', async () => {
    const day = await fetchDailyPapers('2025-03-13', options());
    expect(day.items).toHaveLength(6);
    expect(day.problems).toEqual([]);
    const dir = tempDir();
    await fetchDays(['2025-03-13'], dir, options());
    const { papers } = await loadSources([join(dir, 'feed')]);
    const draft = papers.find((p) => p.id === '2503.09003')!;
    expect(draft).toMatchObject({
      arxivId: '2503.09003',
      upvotes: 120,
      githubUrl: 'https://github.com/example/draft-trees',
      aiSummary: 'Tree-structured drafts verified in one pass make LLM decoding 2.8x faster without changing outputs.',
      listings: [{ date: '2025-03-13', rank: 3 }],
    });
    expect(draft.authors).toHaveLength(3);
  });

  it('pages until a short page', async () => {
    const day = await fetchDailyPapers('2025-03-13', options({ pageSize: 4 }));
    expect(day.items).toHaveLength(6);
    expect(hf.requests.filter((r) => r.includes('date=2025-03-13'))).toEqual([
      '/api/daily_papers?date=2025-03-13&limit=4&p=0&sort=trending',
      '/api/daily_papers?date=2025-03-13&limit=4&p=1&sort=trending',
    ]);
  });

  it('retries a 429, honouring Retry-After, then succeeds', async () => {
    hf.fault('2025-03-13', { status: 429, retryAfter: '1' });
    const started = Date.now();
    const day = await fetchDailyPapers('2025-03-13', options());
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(day.items).toHaveLength(6);
    expect(hf.requests).toHaveLength(2);
  });

  it('gives up on a day at once when Retry-After asks for more than the cap, naming the request', { timeout: 10_000 }, async () => {
    hf.fault('2025-03-13', { status: 429, retryAfter: '999999' });
    const notices: RetryNotice[] = [];
    const error = await fetchDailyPapers('2025-03-13', options({ onRetry: (n) => notices.push(n) })).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain(`${hf.url}/api/daily_papers?date=2025-03-13`);
    expect(message).toContain('Retry-After: 999999');
    expect(message).toContain('HF_RETRY_MAX_WAIT_SECONDS');
    expect(notices).toEqual([]);
    expect(hf.requests).toHaveLength(1);
  });

  it('announces every pending retry, with its wait and time, to onRetry and the log', async () => {
    hf.fault('2025-03-13', { status: 429, retryAfter: '1' });
    const notices: RetryNotice[] = [];
    const capture = capturingLogger('warn');
    const before = Date.now();
    await fetchDailyPapers('2025-03-13', options({ log: capture.log, onRetry: (n) => notices.push(n) }));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ reason: 'HTTP 429', retry: 1, retries: 4, waitMs: 1000 });
    expect(notices[0]!.url).toContain('date=2025-03-13');
    expect(notices[0]!.at.getTime()).toBeGreaterThanOrEqual(before + 1000);
    const warning = capture.lines().find((l) => String(l.msg).startsWith('daily papers fetch failed'));
    expect(warning?.msg).toMatch(/retry 1 of 4 in 1 s/);
  });

  it('caps its own backoff too, so no wait is longer than the cap', { timeout: 10_000 }, async () => {
    hf.fault('2025-03-13', { status: 500 }, { status: 503 });
    const notices: RetryNotice[] = [];
    const day = await fetchDailyPapers('2025-03-13', options({ minBackoffMs: 3_600_000, maxWaitMs: 20, onRetry: (n) => notices.push(n) }));
    expect(day.items).toHaveLength(6);
    expect(notices.map((n) => [n.reason, n.waitMs])).toEqual([
      ['HTTP 500', 20],
      ['HTTP 503', 20],
    ]);
  });

  it('takes the wait cap and the size bound from the configuration', () => {
    expect(clientOptions(loadFeedConfig({}))).toMatchObject({ maxWaitMs: 120_000, maxResponseBytes: 50 * 1024 * 1024 });
    expect(clientOptions(loadFeedConfig({ HF_RETRY_MAX_WAIT_SECONDS: '5', HF_MAX_RESPONSE_MB: '2' }))).toMatchObject({ maxWaitMs: 5000, maxResponseBytes: 2 * 1024 * 1024 });
  });

  it('streams the body and refuses it past the size bound', async () => {
    hf.fault('2025-03-13', { endless: true });
    await expect(fetchDailyPapers('2025-03-13', options({ maxResponseBytes: 1024 * 1024, timeoutMs: 3000, retries: 0 }))).rejects.toThrow(
      /response from .*date=2025-03-13.* is larger than 1 MB \(HF_MAX_RESPONSE_MB\); refused/,
    );
  });

  it('refuses at once a body whose Content-Length is over the bound, and does not retry it', async () => {
    hf.fault('2025-03-13', { declaredBytes: 10 * 1024 * 1024 });
    await expect(fetchDailyPapers('2025-03-13', options({ maxResponseBytes: 1024 * 1024, timeoutMs: 3000 }))).rejects.toThrow(
      /response from .*date=2025-03-13.* declares 10485760 bytes, more than 1 MB \(HF_MAX_RESPONSE_MB\); refused/,
    );
    expect(hf.requests).toHaveLength(1);
  });

  it('follows a redirect within the configured origin', async () => {
    hf.fault('2025-03-13', { redirect: '/api/daily_papers?date=2025-03-13&limit=100&p=0&sort=trending' });
    expect((await fetchDailyPapers('2025-03-13', options())).items).toHaveLength(6);
    expect(hf.requests).toHaveLength(2);
  });

  it('refuses a redirect to another host, naming both, without asking that host', async () => {
    const other = await startHfServer();
    try {
      hf.fault('2025-03-13', { redirect: `${other.url}/api/daily_papers?date=2025-03-13&limit=100&p=0&sort=trending` });
      const error = (await fetchDailyPapers('2025-03-13', options()).catch((e: Error) => e)) as Error;
      expect(error.message).toMatch(/refused a redirect/);
      expect(error.message).toContain(new URL(hf.url).host);
      expect(error.message).toContain(new URL(other.url).host);
      expect(other.requests).toEqual([]);
      expect(hf.requests).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('gives up after a few redirects', async () => {
    const loop = '/api/daily_papers?date=2025-03-13&limit=100&p=0&sort=trending';
    hf.fault('2025-03-13', ...Array.from({ length: 30 }, () => ({ redirect: loop })));
    await expect(fetchDailyPapers('2025-03-13', options())).rejects.toThrow(/more than 5 redirects/);
    expect(hf.requests).toHaveLength(6);
  });

  it('retries 500s with backoff and gives up after the configured retries', async () => {
    hf.fault('2025-03-13', { status: 500 }, { status: 503 });
    expect((await fetchDailyPapers('2025-03-13', options())).items).toHaveLength(6);
    hf.fault('2025-03-14', { status: 500 }, { status: 500 }, { status: 500 });
    await expect(fetchDailyPapers('2025-03-14', options({ retries: 2 }))).rejects.toThrow('HTTP 500');
    expect(hf.requests.filter((r) => r.includes('2025-03-14'))).toHaveLength(3);
  });

  it('does not retry a 404', async () => {
    hf.fault('2025-03-13', { status: 404 });
    await expect(fetchDailyPapers('2025-03-13', options())).rejects.toThrow('HTTP 404');
    expect(hf.requests).toHaveLength(1);
  });

  it('times out a hanging request and retries it', async () => {
    hf.fault('2025-03-13', { hang: true });
    const day = await fetchDailyPapers('2025-03-13', options({ timeoutMs: 300 }));
    expect(day.items).toHaveLength(6);
    hf.fault('2025-03-14', { hang: true }, { hang: true });
    await expect(fetchDailyPapers('2025-03-14', options({ timeoutMs: 200, retries: 1 }))).rejects.toThrow(/timed out after 200 ms/);
  });

  it('treats malformed JSON as a failed attempt', async () => {
    hf.fault('2025-03-13', { malformed: true });
    expect((await fetchDailyPapers('2025-03-13', options())).items).toHaveLength(6);
    hf.fault('2025-03-14', { malformed: true }, { malformed: true });
    await expect(fetchDailyPapers('2025-03-14', options({ retries: 1 }))).rejects.toThrow(/malformed JSON/);
  });

  it('skips items without a paper, or with a broken one, and warns', async () => {
    const good = fixtureDays()['2025-03-14']!;
    hf.fault('2025-03-14', { items: [{ title: 'no paper here' }, ...good, { paper: { id: 'not-an-id', title: 'x', summary: 'y' } }] });
    const capture = capturingLogger('warn');
    const day = await fetchDailyPapers('2025-03-14', options({ log: capture.log }));
    expect(day.items).toHaveLength(3);
    expect(day.problems.map((p) => p.location)).toEqual(['page 0, item 1', 'page 0, item 5']);
    expect(day.problems[0]!.message).toMatch(/paper/);
    expect(capture.lines().filter((l) => String(l.msg).startsWith('skipped a malformed daily-papers item'))).toHaveLength(2);
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('fetching days into the index', () => {
  it('lists consecutive dates for a backfill', () => {
    expect(recentDates(3, '2025-03-01')).toEqual(['2025-02-27', '2025-02-28', '2025-03-01']);
  });

  it('adds fetched days to the index, updates upvotes in place and never duplicates', async () => {
    const dataDir = seededDataDir();
    const reports = await fetchDays(['2025-03-13', '2025-03-14'], dataDir, options());
    expect(reports).toEqual([
      { date: '2025-03-13', papers: 6, skipped: 0 },
      { date: '2025-03-14', papers: 3, skipped: 0 },
    ]);
    const engine = await Engine.open(testConfig(dataDir), { log: quietLogger() });
    try {
      expect(engine.stats().papers).toBe(64 + 8);
      expect(engine.stats().lastReload).toMatchObject({ added: 8, embedded: 8 });
      const latest = engine.trending();
      expect(latest.date).toBe('2025-03-14');
      expect(latest.days.slice(0, 3)).toEqual(['2025-03-14', '2025-03-13', '2025-03-12']);
      expect(latest.items.map((i) => [i.id, i.upvotes])).toEqual([
        ['2503.09003', 151],
        ['2503.10002', 77],
        ['2503.10001', 51],
      ]);
      expect(latest.items[0]!.tldr).toContain('Tree-structured drafts');
      expect(engine.trending({ date: '2025-03-13' }).items[0]!.id).toBe('2503.09003');
      const paper = engine.paper('2503.09003');
      expect(paper.listings.map((l) => l.date)).toEqual(['2025-03-13', '2025-03-14']);
      expect(paper.upvotes).toBe(151);
      const answer = await engine.ask('how can I make LLM decoding faster with a small draft model?', { k: 1 });
      expect(answer.results[0]!.id).toBe('2503.09003');

      // Seen again with more upvotes: updated in place, nothing embedded, no duplicate.
      const bumped = fixtureDays()['2025-03-14']!.map((item) => {
        const copy = structuredClone(item) as { paper: { upvotes: number } };
        copy.paper.upvotes += 100;
        return copy;
      });
      hf.setDay('2025-03-14', bumped);
      await fetchDays(['2025-03-14'], dataDir, options());
      const report = await engine.reload();
      expect(report).toMatchObject({ added: 0, updated: 0, embedded: 0, count: 72 });
      expect(report.refreshed).toBe(3);
      expect(engine.paper('2503.09003').upvotes).toBe(251);
    } finally {
      await engine.close();
    }
  });

  it('changes nothing when a fetch fails', async () => {
    const dataDir = seededDataDir();
    await fetchDays(['2025-03-13'], dataDir, options());
    const file = join(dataDir, 'feed', '2025-03-13.json');
    const before = readFileSync(file, 'utf8');
    hf.fault('2025-03-13', { status: 500 }, { status: 500 });
    hf.fault('2025-03-15', { status: 500 }, { status: 500 });
    const reports = await fetchDays(['2025-03-13', '2025-03-15'], dataDir, options({ retries: 1 }));
    expect(reports.map((r) => r.error)).toEqual(['HTTP 500', 'HTTP 500']);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(existsSync(join(dataDir, 'feed', '2025-03-15.json'))).toBe(false);
  });

  it('changes nothing when a day is redirected away, too big, or asks to wait too long', { timeout: 20_000 }, async () => {
    const dataDir = seededDataDir();
    await fetchDays(['2025-03-13'], dataDir, options());
    const file = join(dataDir, 'feed', '2025-03-13.json');
    const before = readFileSync(file, 'utf8');
    hf.fault('2025-03-13', { redirect: 'http://example.invalid/api/daily_papers' }, { endless: true }, { status: 429, retryAfter: '999999' });
    const reports = await fetchDays(['2025-03-13', '2025-03-13', '2025-03-13'], dataDir, options({ maxResponseBytes: 1024 * 1024 }));
    expect(reports.map((r) => r.error)).toEqual([expect.stringMatching(/refused a redirect/), expect.stringMatching(/larger than/), expect.stringMatching(/Retry-After: 999999/)]);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('stores nothing for a day with no papers yet', async () => {
    const dataDir = tempDir();
    expect(await fetchDays(['2030-01-01'], dataDir, options())).toEqual([{ date: '2030-01-01', papers: 0, skipped: 0 }]);
    expect(existsSync(join(dataDir, 'feed', '2030-01-01.json'))).toBe(false);
  });
});
