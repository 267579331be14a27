import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddingCache, textHash } from '../../src/index/embedding-cache.js';

const DIM = 4;
const dirs: string[] = [];
const caches: EmbeddingCache[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paperscout-cache-'));
  dirs.push(dir);
  return dir;
}

function open(dir: string, dimension = DIM): EmbeddingCache {
  const cache = EmbeddingCache.open(dir, dimension);
  caches.push(cache);
  return cache;
}

function vector(seed: number, dimension = DIM): Float32Array {
  return Float32Array.from({ length: dimension }, (_, i) => Math.sin(seed * 7.3 + i) * (i + 1));
}

function entries(texts: string[], dimension = DIM): Map<string, Float32Array> {
  return new Map(texts.map((text, i) => [textHash(text), vector(text.length * 31 + i, dimension)]));
}

function segments(dir: string): string[] {
  return readdirSync(dir).filter((n) => /^seg-\d+\.bin$/.test(n)).sort();
}

/** Closes a cache once; close() is not idempotent, and a second call could close a reused descriptor. */
function shut(cache: EmbeddingCache): void {
  caches.splice(caches.indexOf(cache), 1);
  cache.close();
}

afterEach(() => {
  for (const cache of caches.splice(0)) cache.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('textHash', () => {
  it('is 32 hex digits, stable, and differs for different text', () => {
    expect(textHash('hello')).toMatch(/^[0-9a-f]{32}$/);
    expect(textHash('hello')).toBe(textHash('hello'));
    expect(textHash('hello')).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e');
    expect(textHash('hello ')).not.toBe(textHash('hello'));
  });
});

describe('EmbeddingCache', () => {
  it('reads back the vectors it stored, also after re-opening', async () => {
    const dir = tempDir();
    const stored = entries(['alpha', 'beta', 'gamma']);
    const cache = open(dir);
    expect(cache.size).toBe(0);
    await cache.add(stored);
    expect(cache.size).toBe(3);
    for (const [hash, v] of stored) expect(cache.get(hash)).toEqual(v);
    shut(cache);

    const reopened = open(dir);
    expect(reopened.discarded).toEqual([]);
    expect(reopened.size).toBe(3);
    for (const [hash, v] of stored) {
      expect(reopened.has(hash)).toBe(true);
      expect(reopened.get(hash)).toEqual(v);
    }
    expect(reopened.get(textHash('delta'))).toBeUndefined();
    expect(reopened.has(textHash('delta'))).toBe(false);
  });

  it('skips hashes it already knows and writes nothing when all are known', async () => {
    const dir = tempDir();
    const cache = open(dir);
    const first = entries(['alpha', 'beta']);
    await cache.add(first);
    expect(segments(dir)).toHaveLength(1);

    const original = first.get(textHash('alpha'))!;
    await cache.add(new Map([[textHash('alpha'), vector(999)]]));
    expect(segments(dir)).toHaveLength(1);
    expect(cache.get(textHash('alpha'))).toEqual(original);

    await cache.add(new Map([[textHash('alpha'), vector(999)], [textHash('gamma'), vector(5)]]));
    expect(segments(dir)).toHaveLength(2);
    expect(cache.size).toBe(3);
    expect(cache.get(textHash('alpha'))).toEqual(original);
    expect(cache.get(textHash('gamma'))).toEqual(vector(5));
  });

  it('discards and deletes a segment with a flipped byte, keeping the intact ones', async () => {
    const dir = tempDir();
    const cache = open(dir);
    await cache.add(entries(['alpha']));
    await cache.add(entries(['beta']));
    shut(cache);
    const [good, bad] = segments(dir).map((n) => join(dir, n));
    const bytes = readFileSync(bad!);
    bytes[bytes.length - 3]! ^= 0xff;
    writeFileSync(bad!, bytes);

    const reopened = open(dir);
    expect(reopened.discarded).toEqual([bad]);
    expect(existsSync(bad!)).toBe(false);
    expect(existsSync(good!)).toBe(true);
    expect(reopened.has(textHash('alpha'))).toBe(true);
    expect(reopened.has(textHash('beta'))).toBe(false);
    expect(reopened.size).toBe(1);
  });

  it('discards a truncated segment and one that is not a segment at all', async () => {
    const dir = tempDir();
    const cache = open(dir);
    await cache.add(entries(['alpha', 'beta']));
    shut(cache);
    const [segment] = segments(dir).map((n) => join(dir, n));
    writeFileSync(segment!, readFileSync(segment!).subarray(0, 60));
    writeFileSync(join(dir, 'seg-00000009.bin'), 'garbage');
    writeFileSync(join(dir, 'notes.txt'), 'not a segment name, left alone');

    const reopened = open(dir);
    expect(reopened.discarded.sort()).toEqual([segment, join(dir, 'seg-00000009.bin')].sort());
    expect(reopened.size).toBe(0);
    expect(segments(dir)).toEqual([]);
    expect(existsSync(join(dir, 'notes.txt'))).toBe(true);
  });

  it('discards a segment of another dimension', async () => {
    const dir = tempDir();
    const small = open(dir, 4);
    await small.add(entries(['alpha'], 4));
    shut(small);
    const [path] = segments(dir).map((n) => join(dir, n));

    const large = open(dir, 8);
    expect(large.discarded).toEqual([path]);
    expect(large.size).toBe(0);
    expect(existsSync(path!)).toBe(false);
  });

  it('refuses to store a vector of the wrong dimension', async () => {
    const cache = open(tempDir());
    await expect(cache.add(new Map([[textHash('x'), new Float32Array(3)]]))).rejects.toThrow(/dimension 3/);
  });

  it('compacts more than 16 segments into one, losing no vector', async () => {
    const dir = tempDir();
    const cache = open(dir);
    const all = new Map<string, Float32Array>();
    for (let i = 0; i < 16; i++) {
      const batch = entries([`text ${i} a`, `text ${i} b`]);
      for (const [h, v] of batch) all.set(h, v);
      await cache.add(batch);
    }
    expect(segments(dir)).toHaveLength(16);

    const last = entries(['the seventeenth batch']);
    for (const [h, v] of last) all.set(h, v);
    await cache.add(last);
    expect(segments(dir)).toHaveLength(1);
    expect(cache.size).toBe(33);
    for (const [hash, v] of all) expect(cache.get(hash)).toEqual(v);

    await cache.add(entries(['after compaction']));
    expect(segments(dir)).toHaveLength(2);
    shut(cache);

    const reopened = open(dir);
    expect(reopened.discarded).toEqual([]);
    expect(reopened.size).toBe(34);
    for (const [hash, v] of all) expect(reopened.get(hash)).toEqual(v);
  });

  it('records each segment verified in full, and checks a segment rewritten since in full again', async () => {
    const dir = tempDir();
    const cache = open(dir);
    const stored = entries(['alpha', 'beta', 'gamma']);
    await cache.add(stored);
    shut(cache);
    const [name] = segments(dir);
    const path = join(dir, name!);
    const recorded = JSON.parse(readFileSync(join(dir, 'verified.json'), 'utf8')) as Record<string, { bytes: number }>;
    expect(Object.keys(recorded)).toEqual([name]);
    expect(recorded[name!]!.bytes).toBe(readFileSync(path).length);

    // Rewriting the file changes its modification time, so its record no longer matches.
    const bytes = readFileSync(path);
    bytes[bytes.length - 3]! ^= 0xff;
    writeFileSync(path, bytes);
    const reopened = open(dir);
    expect(reopened.discarded).toEqual([path]);
    shut(reopened);
  });

  it('verifies in full again when its record of verified segments is lost or garbled', async () => {
    const dir = tempDir();
    const cache = open(dir);
    await cache.add(entries(['alpha']));
    shut(cache);
    writeFileSync(join(dir, 'verified.json'), '{"seg-');
    const reopened = open(dir);
    expect(reopened.discarded).toEqual([]);
    expect(reopened.size).toBe(1);
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'verified.json'), 'utf8')) as object)).toEqual(segments(dir));
  });
});
