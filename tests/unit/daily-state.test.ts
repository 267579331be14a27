import fs, { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { isDailyDue, localTime, minutesOf } from '../../src/util/local-time.js';
import { openBotState } from '../../src/bot/state/bot-state.js';
import { VoteStore } from '../../src/bot/state/votes.js';
import { capturingLogger, quietLogger, tempDir } from '../setup/engine.js';

describe('local time and daily jobs', () => {
  it('reads the wall clock of an instant in a time zone, across daylight saving', () => {
    expect(localTime(Date.parse('2025-03-14T23:30:00Z'), 'UTC')).toEqual({ date: '2025-03-14', minutes: 23 * 60 + 30 });
    expect(localTime(Date.parse('2025-03-14T23:30:00Z'), 'Europe/Berlin')).toEqual({ date: '2025-03-15', minutes: 30 });
    // New York moved to daylight time on 2025-03-09: 12:00 UTC is 08:00 there after, 07:00 before.
    expect(localTime(Date.parse('2025-03-10T12:00:00Z'), 'America/New_York').minutes).toBe(8 * 60);
    expect(localTime(Date.parse('2025-03-08T12:00:00Z'), 'America/New_York').minutes).toBe(7 * 60);
    expect(minutesOf('08:05')).toBe(485);
  });

  it('is due once its time has come and it has not run that local day', () => {
    const at = (iso: string) => Date.parse(iso);
    expect(isDailyDue(undefined, '08:00', 'UTC', at('2025-03-14T07:59:00Z'))).toBe(false);
    expect(isDailyDue(undefined, '08:00', 'UTC', at('2025-03-14T08:00:00Z'))).toBe(true);
    expect(isDailyDue('2025-03-14', '08:00', 'UTC', at('2025-03-14T20:00:00Z'))).toBe(false);
    expect(isDailyDue('2025-03-11', '08:00', 'UTC', at('2025-03-14T09:00:00Z'))).toBe(true);
    expect(isDailyDue('2025-03-14', '08:00', 'Asia/Tokyo', at('2025-03-14T23:30:00Z'))).toBe(true);
  });
});

describe('bot state on disk', () => {
  it('persists subscriptions and reads them back, leaving no temporary file', async () => {
    const dir = tempDir();
    const state = openBotState(dir, quietLogger());
    await state.update((s) => {
      s.subscriptions.g1 = { channelId: 'c1', time: '08:00', timezone: 'UTC', limit: 10, subscribedBy: 'u1', createdAt: '2025-03-14T00:00:00Z' };
    });
    expect(readdirSync(join(dir, 'bot'))).toEqual(['state.json']);
    expect(openBotState(dir, quietLogger()).current.subscriptions.g1?.channelId).toBe('c1');
  });

  it('keeps the previous state when the process dies in the middle of writing the next one', async () => {
    const dir = tempDir();
    const state = openBotState(dir, quietLogger());
    await state.update((s) => void (s.refresh.lastRunOn = '2025-03-14'));
    const before = readFileSync(join(dir, 'bot', 'state.json'), 'utf8');

    // The crash: the write gets half of its bytes onto disk, then nothing more runs (no rename, no
    // clean-up), which leaves what a killed process leaves. The atomic write (util/atomic-write.ts)
    // writes through a FileHandle and cleans up with fs/promises' rm, whose named export is synced here.
    const probe = await fs.promises.open(join(dir, 'probe'), 'w');
    const handles = Object.getPrototypeOf(probe) as { writeFile: (data: string) => Promise<void> };
    await probe.close();
    const write = vi.spyOn(handles, 'writeFile').mockImplementation(async function (this: fs.promises.FileHandle, data: string) {
      await this.write(String(data).slice(0, String(data).length / 2));
      throw new Error('killed mid-write');
    });
    const unlink = vi.spyOn(fs.promises, 'rm').mockResolvedValue(undefined);
    syncBuiltinESMExports();
    try {
      await expect(
        state.update((s) => {
          s.refresh.lastRunOn = '2025-03-15';
          s.subscriptions.g1 = { channelId: 'c1', time: '08:00', timezone: 'UTC', limit: 10, subscribedBy: 'u1', createdAt: '2025-03-15T00:00:00Z' };
        }),
      ).rejects.toThrow('killed mid-write');
    } finally {
      write.mockRestore();
      unlink.mockRestore();
      syncBuiltinESMExports();
    }

    const files = readdirSync(join(dir, 'bot'));
    const leftover = files.filter((n) => n !== 'state.json');
    expect(leftover).toHaveLength(1); // the half-written temporary file, as a crash leaves it
    expect(() => JSON.parse(readFileSync(join(dir, 'bot', leftover[0]!), 'utf8'))).toThrow();
    expect(readFileSync(join(dir, 'bot', 'state.json'), 'utf8')).toBe(before);

    // After the restart: the previous state, read as valid (nothing set aside), and writable again.
    const capture = capturingLogger('warn');
    const reopened = openBotState(dir, capture.log);
    expect(reopened.current).toEqual({ version: 1, subscriptions: {}, refresh: { lastRunOn: '2025-03-14' } });
    expect(capture.lines()).toEqual([]);
    expect(readdirSync(join(dir, 'bot')).some((n) => n.includes('corrupt'))).toBe(false);
    await reopened.update((s) => void (s.refresh.lastRunOn = '2025-03-16'));
    expect(openBotState(dir, quietLogger()).current.refresh.lastRunOn).toBe('2025-03-16');
  });

  it('sets a corrupt state file aside instead of trusting or overwriting it', async () => {
    const dir = tempDir();
    const state = openBotState(dir, quietLogger());
    await state.update((s) => void (s.refresh.lastRunOn = '2025-03-14'));
    writeFileSync(join(dir, 'bot', 'state.json'), '{"version": 1, "subscr');
    const capture = capturingLogger('error');
    const reopened = openBotState(dir, capture.log);
    expect(reopened.current.subscriptions).toEqual({});
    const aside = readdirSync(join(dir, 'bot')).find((n) => n.startsWith('state.json.corrupt-'))!;
    expect(readFileSync(join(dir, 'bot', aside), 'utf8')).toBe('{"version": 1, "subscr');
    expect(capture.lines()[0]!.msg).toMatch(/set aside/);
  });
});

describe('votes', () => {
  it('keeps one vote per user per paper, toggles, and never mixes servers', async () => {
    const dir = tempDir();
    const votes = VoteStore.open(dir, quietLogger());
    const now = new Date('2025-03-12T12:00:00Z');
    expect(await votes.toggle('g1', 'u1', 'p1', now)).toEqual({ voted: true, count: 1 });
    expect(await votes.toggle('g1', 'u2', 'p1', now)).toEqual({ voted: true, count: 2 });
    expect(await votes.toggle('g1', 'u1', 'p1', now)).toEqual({ voted: false, count: 1 });
    await votes.toggle('g2', 'u1', 'p2', now);
    expect(votes.count('g1', 'p2')).toBe(0);
    expect(votes.top('g2', new Date(0), 10)).toEqual([{ paperId: 'p2', votes: 1 }]);
    expect(VoteStore.open(dir, quietLogger()).counts('g1', ['p1', 'p2'])).toEqual(new Map([['p1', 1], ['p2', 0]]));
    expect(votes.counts(null, ['p1'])).toEqual(new Map([['p1', 0]]));
  });

  it('ranks by votes within the window, most recent vote first on ties', async () => {
    const votes = VoteStore.open(tempDir(), quietLogger());
    const day = (d: number) => new Date(Date.UTC(2025, 2, d));
    await votes.toggle('g', 'a', 'old', day(1));
    await votes.toggle('g', 'b', 'old', day(1));
    await votes.toggle('g', 'a', 'x', day(10));
    await votes.toggle('g', 'a', 'y', day(11));
    await votes.toggle('g', 'b', 'y', day(11));
    await votes.toggle('g', 'c', 'z', day(12));
    expect(votes.top('g', day(5), 10)).toEqual([
      { paperId: 'y', votes: 2 },
      { paperId: 'z', votes: 1 },
      { paperId: 'x', votes: 1 },
    ]);
    expect(votes.top('g', day(5), 1)).toHaveLength(1);
  });
});
