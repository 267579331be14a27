import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'libsql';
import { describe, expect, it } from 'vitest';
import { isDailyDue, localTime, minutesOf } from '../../src/util/local-time.js';
import { BotState, type Subscription } from '../../src/bot/state/bot-state.js';
import { STATE_DATABASE } from '../../src/bot/state/database.js';
import { migrate, MIGRATIONS, schemaVersion } from '../../src/bot/state/migrations.js';
import { VoteStore } from '../../src/bot/state/votes.js';
import { StateVersionError } from '../../src/errors.js';
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

describe('bot state in SQLite', () => {
  const sub = (over: Partial<Subscription> = {}): Subscription => ({
    channelId: 'c1',
    time: '08:00',
    timezone: 'UTC',
    limit: 10,
    subscribedBy: 'u1',
    createdAt: '2025-03-14T00:00:00Z',
    skipEmpty: false,
    ...over,
  });

  it('persists subscriptions and the refresh day in data/bot/state.db, in WAL mode', () => {
    const dir = tempDir();
    const state = BotState.open(dir, quietLogger());
    state.subscriptions.put('g1', sub());
    state.subscriptions.mark('g1', { lastPostedOn: '2025-03-14', lastError: 'gone' });
    state.refresh.ranOn('2025-03-14');
    state.close();
    const reopened = BotState.open(dir, quietLogger());
    expect(reopened.subscriptions.get('g1')).toEqual(sub({ lastPostedOn: '2025-03-14', lastError: 'gone' }));
    reopened.subscriptions.mark('g1', { lastError: null });
    expect(reopened.subscriptions.get('g1')?.lastError).toBeUndefined();
    expect(reopened.refresh.lastRunOn).toBe('2025-03-14');
    expect(reopened.db.sql.prepare('PRAGMA journal_mode').get()).toMatchObject({ journal_mode: 'wal' });
    expect(reopened.subscriptions.remove('g1')?.channelId).toBe('c1');
    expect(reopened.subscriptions.all().size).toBe(0);
    expect(existsSync(join(dir, STATE_DATABASE))).toBe(true);
  });

  it('makes each change one transaction: a change that fails halfway leaves nothing behind', () => {
    const state = BotState.open(tempDir(), quietLogger());
    expect(() =>
      state.db.change(() => {
        state.db.sql.prepare("INSERT INTO refresh (id, last_run_on) VALUES (1, '2025-03-15')").run();
        throw new Error('killed halfway');
      }),
    ).toThrow('killed halfway');
    expect(state.refresh.lastRunOn).toBeUndefined();
  });

  it('migrates a database of an older schema step by step, keeping its rows, and refuses a newer one', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'bot'));
    const old = new Database(join(dir, STATE_DATABASE));
    migrate(old, 'old', quietLogger(), MIGRATIONS.slice(0, 1));
    old.prepare("INSERT INTO votes VALUES ('g', 'p', 'u', '2025-03-01T00:00:00.000Z')").run();
    expect(schemaVersion(old)).toBe(1);
    old.close();

    const capture = capturingLogger('info');
    const state = BotState.open(dir, capture.log);
    expect(schemaVersion(state.db.sql)).toBe(MIGRATIONS.length);
    expect(capture.lines().map((l) => l.version)).toEqual(MIGRATIONS.slice(1).map((_, i) => i + 2));
    expect(state.votes.count('g', 'p')).toBe(1);
    expect(state.subscriptions.all().size).toBe(0);
    state.db.sql.exec(`PRAGMA user_version = ${MIGRATIONS.length + 1}`);
    state.close();
    expect(() => BotState.open(dir, quietLogger())).toThrow(StateVersionError);
  });

  it('imports the JSON files of older versions once, keeping each as a renamed backup', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'bot'));
    const legacy = { channelId: 'c9', time: '07:30', timezone: 'Europe/Berlin', limit: 5, subscribedBy: 'u9', createdAt: '2025-01-01T00:00:00Z', lastPostedOn: '2025-03-13', lastPostedList: '2025-03-12' };
    writeFileSync(join(dir, 'bot', 'state.json'), JSON.stringify({ version: 1, subscriptions: { g9: legacy }, refresh: { lastRunOn: '2025-03-13' } }));
    writeFileSync(join(dir, 'bot', 'votes.json'), JSON.stringify({ version: 1, guilds: { g9: { p1: { a: '2025-03-10T00:00:00.000Z', b: '2025-03-11T00:00:00.000Z' } } } }));
    const state = BotState.open(dir, quietLogger());
    expect(state.subscriptions.get('g9')).toEqual({ ...legacy, skipEmpty: false });
    expect(state.refresh.lastRunOn).toBe('2025-03-13');
    expect(state.votes.list('g9')).toEqual([
      { paperId: 'p1', userId: 'a', at: '2025-03-10T00:00:00.000Z' },
      { paperId: 'p1', userId: 'b', at: '2025-03-11T00:00:00.000Z' },
    ]);
    const files = readdirSync(join(dir, 'bot')).sort();
    expect(files.filter((f) => f.endsWith('.json'))).toEqual([]);
    expect(files.filter((f) => /^(state|votes)\.json\.imported-\d+$/.test(f))).toHaveLength(2);
    // A change after the import is not undone by a restart: the backups are not imported again.
    state.subscriptions.mark('g9', { lastPostedOn: '2025-03-14' });
    state.close();
    expect(BotState.open(dir, quietLogger()).subscriptions.get('g9')?.lastPostedOn).toBe('2025-03-14');
  });

  it('sets an unreadable JSON file aside instead of importing or deleting it', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'bot'));
    writeFileSync(join(dir, 'bot', 'state.json'), '{"version": 1, "subscr');
    const capture = capturingLogger('error');
    const state = BotState.open(dir, capture.log);
    expect(state.subscriptions.all().size).toBe(0);
    const aside = readdirSync(join(dir, 'bot')).find((n) => n.startsWith('state.json.corrupt-'))!;
    expect(readFileSync(join(dir, 'bot', aside), 'utf8')).toBe('{"version": 1, "subscr');
    expect(capture.lines()[0]!.msg).toMatch(/set aside/);
  });
});

describe('watches', () => {
  const excerpt = [{ text: 'We transcribe speech.', matched: true }];

  it('keeps watches per server, records each match once, and removes matches with their watch', () => {
    const state = BotState.open(tempDir(), quietLogger());
    const dm = state.watches.add({ guildId: 'g', userId: 'u', topic: 'speech recognition', createdAt: '2025-03-14T00:00:00Z' });
    const channel = state.watches.add({ guildId: 'g', userId: 'admin', channelId: 'c', topic: 'video generation', createdAt: '2025-03-14T00:00:00Z' });
    state.watches.add({ guildId: 'other', userId: 'u', topic: 'robots', createdAt: '2025-03-14T00:00:00Z' });
    expect(state.watches.inGuild('g').map((w) => w.topic)).toEqual(['speech recognition', 'video generation']);
    expect(state.watches.get(dm.id)).toEqual(dm);
    expect(dm.channelId).toBeUndefined();

    const delivered = (id: number) => id === channel.id;
    const batch = [
      { watchId: dm.id, paperId: 'p1', strength: 0.9, excerpt },
      { watchId: channel.id, paperId: 'p2', strength: 0.8, excerpt },
    ];
    expect(state.watches.record(batch, '2025-03-14T06:00:00Z', delivered)).toBe(2);
    expect(state.watches.record([{ ...batch[0]!, strength: 0.1 }], '2025-03-15T06:00:00Z', delivered)).toBe(0);
    expect(state.watches.matches([dm.id, channel.id], ['p1', 'p2']).map((m) => [m.paperId, m.strength, m.delivered])).toEqual([
      ['p1', 0.9, false],
      ['p2', 0.8, true],
    ]);
    expect(state.watches.undelivered().map((m) => m.paperId)).toEqual(['p1']);
    state.watches.markDelivered(dm.id, ['p1']);
    expect(state.watches.undelivered()).toEqual([]);

    expect(state.watches.remove(channel.id)).toBe(true);
    expect(state.watches.matches([channel.id], ['p2'])).toEqual([]);
    expect(state.watches.remove(channel.id)).toBe(false);
  });

  it('remembers which papers the watches were matched against, across a reopen', () => {
    const dir = tempDir();
    const state = BotState.open(dir, quietLogger());
    expect(state.watches.hasWatchedPapers()).toBe(false);
    expect(state.watches.unwatched(['p1', 'p2'])).toEqual(['p1', 'p2']);
    state.watches.markWatched(['p1', 'p1']);
    state.close();
    const reopened = BotState.open(dir, quietLogger());
    expect(reopened.watches.hasWatchedPapers()).toBe(true);
    expect(reopened.watches.unwatched(['p3', 'p1', 'p2'])).toEqual(['p3', 'p2']);
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
    expect(votes.list('g1')).toEqual([{ paperId: 'p1', userId: 'u2', at: now.toISOString() }]);
    expect(votes.list('g2')).toEqual([{ paperId: 'p2', userId: 'u1', at: now.toISOString() }]);
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
