import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateDatabase } from '../../src/bot/state/database.js';
import { cacheDirFor } from '../../src/engine/build-from-sources.js';
import { UserError, WriteOutsideError } from '../../src/errors.js';
import { saveDay } from '../../src/feed/feed-store.js';
import { indexDirIn } from '../../src/index/generation.js';
import { createLogger } from '../../src/log.js';
import { confineWrite } from '../../src/util/paths.js';

let base: string;
let outside: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'paperscout-writes-'));
  outside = join(base, 'outside');
  mkdirSync(outside);
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A data dir whose `folder` is a symlink to the outside dir. */
function linkedDataDir(folder: string): string {
  const data = mkdtempSync(join(base, 'data-'));
  symlinkSync(outside, join(data, folder));
  return data;
}

const fingerprint = { id: 'm', dimension: 3, dtype: 'q8', pooling: 'mean', maxTokens: 8, passagePrefix: '' };

describe('confineWrite', () => {
  it('returns a target inside the data dir as it was given, existing or not', () => {
    const data = mkdtempSync(join(base, 'data-'));
    expect(confineWrite(join(data, 'ingested', 'x.jsonl'), data)).toBe(join(data, 'ingested', 'x.jsonl'));
    expect(confineWrite(data, data)).toBe(data);
  });

  it('allows a data dir that is itself a symlink: the check is against where it leads', () => {
    const link = join(base, 'data-link');
    symlinkSync(outside, link);
    expect(confineWrite(join(link, 'feed', '2025-03-12.json'), link)).toBe(join(link, 'feed', '2025-03-12.json'));
  });

  it('refuses a target behind a symlinked folder, naming the path, where it leads and the data dir', () => {
    const data = linkedDataDir('ingested');
    const target = join(data, 'ingested', 'x.jsonl');
    let caught: unknown;
    try {
      confineWrite(target, data);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WriteOutsideError);
    expect(caught).toBeInstanceOf(UserError);
    expect(caught).toMatchObject({ code: 'write-outside', path: target, resolved: join(outside, 'x.jsonl'), dataDir: data });
    expect((caught as Error).message).toContain('outside the data folder');
  });

  it('refuses a dangling symlink, which a write would follow to create its target', () => {
    const data = mkdtempSync(join(base, 'data-'));
    symlinkSync(join(outside, 'not-yet'), join(data, 'feed'));
    expect(() => confineWrite(join(data, 'feed', '2025-03-12.json'), data)).toThrow(WriteOutsideError);
  });

  it('refuses ".." that climbs out', () => {
    const data = mkdtempSync(join(base, 'data-'));
    expect(() => confineWrite(join(data, '..', 'x.json'), data)).toThrow(WriteOutsideError);
  });
});

describe('every writer confines its target', () => {
  it('saveDay: data/feed symlinked outside is refused, nothing is written there', async () => {
    const data = linkedDataDir('feed');
    await expect(saveDay(data, { date: '2025-03-12', items: [], problems: [] })).rejects.toThrow(WriteOutsideError);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('the state database: data/bot symlinked outside is refused before any folder or file is made', () => {
    const data = linkedDataDir('bot');
    const open = () => StateDatabase.open(data, createLogger({ level: 'silent' }));
    expect(open).toThrow(WriteOutsideError);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('the index and the embedding cache: their folders are confined where they are named', () => {
    expect(() => indexDirIn(linkedDataDir('index'))).toThrow(WriteOutsideError);
    expect(() => cacheDirFor(linkedDataDir('cache'), fingerprint)).toThrow(WriteOutsideError);
    const data = mkdtempSync(join(base, 'data-'));
    expect(indexDirIn(data)).toBe(join(data, 'index'));
    expect(existsSync(join(data, 'index'))).toBe(false);
  });
});
