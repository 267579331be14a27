import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordHash } from '../../src/index/catalog.js';
import { openSources, type SourceSet } from '../../src/index/source-stream.js';
import { loadSources } from '../../src/papers/sources.js';

const dirs: string[] = [];
const sets: SourceSet[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'paperscout-sources-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const set of sets.splice(0)) set.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const TODAY = new Date('2026-01-10T00:00:00Z');
const filler = 'The method is evaluated on several benchmarks and compared with strong baselines in detail. '.repeat(12);
const record = (id: string, title: string, extra: object = {}) => JSON.stringify({ id, title, abstract: `${title} is studied here. ${filler}`, source: 'test', ...extra });

/**
 * Sources with every kind of duplicate: the same id in two files (with more listings), the same
 * title under two ids, the same id with another title (a conflict), a title the arXiv-id table
 * names, and a bad line. The first file is large enough to be cached.
 */
function sources(): { dir: string; big: string } {
  const dir = tempDir();
  const big = join(dir, 'a-big.jsonl');
  const lines = Array.from({ length: 300 }, (_, i) => record(`p${i}`, `Paper number ${i} on widgets`, { listings: [{ date: '2025-01-01', rank: i + 1 }] }));
  lines.push('{"id": "broken');
  lines.push(record('x1', 'A title known to the id table'));
  writeFileSync(big, `${lines.join('\n')}\n`);
  writeFileSync(
    join(dir, 'b-small.jsonl'),
    [
      record('p3', 'Paper number 3 on widgets', { upvotes: 7, listings: [{ date: '2025-01-02', rank: 1 }] }),
      record('other-id', 'Paper Number 5 on Widgets!'),
      record('p8', 'An entirely different title for p8'),
      record('fresh', 'A fresh paper'),
    ].join('\n'),
  );
  writeFileSync(join(dir, 'ids-arxiv-ids.tsv'), 'listing_rank\tarxiv_id\ttitle\n1\t2501.00001\tA title known to the id table\n');
  return { dir, big };
}

async function streamed(dir: string, cacheDir: string) {
  const set = await openSources([dir], cacheDir, TODAY);
  sets.push(set);
  const entries = [];
  for await (const entry of set.each()) entries.push({ id: entry.id, recordHash: entry.recordHash, paper: entry.paper() });
  return { set, entries };
}

describe('openSources (the sources as a stream, with a parse cache)', () => {
  it('gives the papers loadSources gives, in the same order, with the same problems', async () => {
    const { dir } = sources();
    const loaded = await loadSources([dir], TODAY);
    const { set, entries } = await streamed(dir, join(tempDir(), 'cache'));
    expect(entries.map((e) => e.paper)).toEqual(loaded.papers);
    expect(entries.map((e) => e.recordHash)).toEqual(loaded.papers.map(recordHash));
    expect(entries.map((e) => e.id)).toEqual(loaded.papers.map((p) => p.id));
    expect(set.count).toBe(loaded.papers.length);
    expect({ problems: set.problems, problemCount: set.problemCount, unusable: set.unusable }).toEqual({
      problems: loaded.problems,
      problemCount: loaded.problemCount,
      unusable: loaded.unusable,
    });
    // The merges and the conflict really happened.
    expect(loaded.papers.find((p) => p.id === 'p3')).toMatchObject({ upvotes: 7, listings: [{ date: '2025-01-01' }, { date: '2025-01-02' }] });
    expect(loaded.papers.some((p) => p.id === 'other-id')).toBe(false);
    expect(loaded.papers.some((p) => p.id === '2501.00001')).toBe(true);
    expect(set.problems.some((p) => p.message.includes('id p8 is also at'))).toBe(true);
  });

  it('reads an unchanged large file from its cache entry, and parses it again once it changes', async () => {
    const { dir, big } = sources();
    const cacheDir = join(tempDir(), 'cache');
    const stamp = new Date('2026-01-01T00:00:00Z');
    utimesSync(big, stamp, stamp);
    const first = await streamed(dir, cacheDir);
    expect(readdirSync(cacheDir).sort()).toHaveLength(2); // the large file's keys and records; the small one is parsed each time
    // Same size, same time, other bytes: only a read from the cache entry still gives the first papers.
    writeFileSync(big, ' '.repeat(statSync(big).size));
    utimesSync(big, stamp, stamp);
    const again = await streamed(dir, cacheDir);
    expect(again.entries).toEqual(first.entries);
    expect(again.set.problems).toEqual(first.set.problems);

    writeFileSync(big, `${record('p0', 'Paper number 0 on widgets, revised')}\n${record('late', 'A late paper')}\n`);
    utimesSync(big, new Date(), new Date(Date.now() + 5000));
    const changed = await streamed(dir, cacheDir);
    expect(changed.entries.map((e) => e.paper)).toEqual((await loadSources([dir], TODAY)).papers);
    expect(changed.entries.find((e) => e.id === 'p0')?.paper.title).toBe('Paper number 0 on widgets, revised');
  });

  it('parses a file again when its cache entry cannot be read (torn, or written by another Node), and drops an older format\'s entry', async () => {
    const { dir } = sources();
    const cacheDir = join(tempDir(), 'cache');
    const first = await streamed(dir, cacheDir);
    const keys = readdirSync(cacheDir).find((name) => name.endsWith('.keys'))!;
    writeFileSync(join(cacheDir, keys), Buffer.from([0xff, 0x0f, 0x6f, 0x22, 0x03]));
    const older = keys.replace(/\.keys$/, '.json'); // format 1 kept the keys as JSON
    writeFileSync(join(cacheDir, older), '{"version":1}');
    const again = await streamed(dir, cacheDir);
    expect(again.entries).toEqual(first.entries);
    expect(again.entries.map((e) => e.paper)).toEqual((await loadSources([dir], TODAY)).papers);
    expect(readdirSync(cacheDir)).not.toContain(older);
    expect(readdirSync(cacheDir)).toHaveLength(2);
  });

  it('parses again when the arXiv-id table changes, since it changes what a file yields', async () => {
    const { dir } = sources();
    const cacheDir = join(tempDir(), 'cache');
    await streamed(dir, cacheDir);
    writeFileSync(join(dir, 'ids-arxiv-ids.tsv'), 'listing_rank\tarxiv_id\ttitle\n1\t2501.00002\tPaper number 1 on widgets\n');
    const { entries } = await streamed(dir, cacheDir);
    expect(entries.map((e) => e.paper)).toEqual((await loadSources([dir], TODAY)).papers);
    expect(entries.some((e) => e.id === '2501.00002')).toBe(true);
  });

  it('forgets the cache entry of a file no longer among the sources, and what a crash left', async () => {
    const { dir, big } = sources();
    const cacheDir = join(tempDir(), 'cache');
    await streamed(dir, cacheDir);
    rmSync(big);
    // And a temporary file a crash left while writing an entry.
    writeFileSync(join(cacheDir, `${'0'.repeat(24)}.json.1a2b3c`), '{"half');
    await streamed(dir, cacheDir);
    expect(readdirSync(cacheDir)).toEqual([]);
  });
});
