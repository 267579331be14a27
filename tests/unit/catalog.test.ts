import { describe, expect, it } from 'vitest';
import { Catalog, CatalogBuilder, recordHash, type CatalogEntry } from '../../src/index/catalog.js';
import type { Paper } from '../../src/papers/paper.js';

const source: Paper = { id: '2306.13575', title: 'Scaling MLPs', abstract: 'MLPs scale.', source: 'seed', upvotes: 12, listings: [{ date: '2025-03-12', rank: 2 }] };
const other: Paper = { id: 'extra-1', title: 'Widgets — ünïcode', abstract: 'Widgets help.', source: 'test' };
const HASH_A = 'a'.repeat(32);
const HASH_B = '0123456789abcdef0123456789abcdef';

const entry = (paper: Paper, contentHash: string, tldrSentence: number, location = { segment: 1, offset: 0, length: 120 }): CatalogEntry => ({
  id: paper.id,
  title: paper.title,
  contentHash,
  recordHash: recordHash(paper),
  tldrSentence,
  upvotes: paper.upvotes,
  listings: paper.listings,
  location,
});

/** Label 1 is dead (a removed paper). */
function threeLabels(): Catalog {
  const builder = new CatalogBuilder(3);
  builder.set(2, entry(other, HASH_B, 0, { segment: 4, offset: 125, length: 85 }));
  builder.set(0, entry(source, HASH_A, 1));
  return Catalog.parse(Buffer.concat(builder.serialize()));
}

describe('Catalog', () => {
  const catalog = threeLabels();

  it('holds each label’s id, title, hashes, TL;DR sentence, upvotes, listings and record location', () => {
    expect(catalog.size).toBe(3);
    expect([0, 1, 2].map((l) => catalog.id(l))).toEqual(['2306.13575', null, 'extra-1']);
    expect(catalog.title(0)).toBe('Scaling MLPs');
    expect(catalog.title(2)).toBe('Widgets — ünïcode');
    expect(catalog.contentHash(2)).toBe(HASH_B);
    expect(catalog.recordHash(0)).toBe(recordHash(source));
    expect(catalog.tldrSentence(0)).toBe(1);
    expect(catalog.upvotes(0)).toBe(12);
    expect(catalog.listings(0)).toEqual([{ date: '2025-03-12', rank: 2 }]);
    expect(catalog.location(2)).toEqual({ segment: 4, offset: 125, length: 85 });
  });

  it('answers safely for a dead label and for a paper without upvotes or listings', () => {
    expect(catalog.isLive(1)).toBe(false);
    expect(catalog.title(1)).toBe('');
    expect(catalog.upvotes(1)).toBeUndefined();
    expect(catalog.listings(1)).toEqual([]);
    expect(catalog.upvotes(2)).toBeUndefined();
    expect(catalog.listings(2)).toEqual([]);
    expect(catalog.id(99)).toBeNull();
  });

  it('is built on the previous catalog: kept labels copied as they were, a refreshed one replaced, a new one appended', () => {
    const builder = new CatalogBuilder(4, catalog);
    builder.keep(0);
    builder.set(2, entry({ ...other, upvotes: 7 }, HASH_B, 0, { segment: 9, offset: 0, length: 90 }));
    builder.set(3, entry({ ...other, id: 'new-1', title: 'New' }, HASH_A, 2));
    const next = Catalog.parse(Buffer.concat(builder.serialize()));
    expect([0, 1, 2, 3].map((l) => next.id(l))).toEqual(['2306.13575', null, 'extra-1', 'new-1']);
    for (const read of ['title', 'contentHash', 'recordHash', 'tldrSentence', 'upvotes', 'listings', 'location'] as const) {
      expect(next[read](0), read).toEqual(catalog[read](0));
    }
    expect(next.upvotes(2)).toBe(7);
    expect(next.location(2)).toEqual({ segment: 9, offset: 0, length: 90 });
    expect(next.title(3)).toBe('New');
  });

  it('moves a label’s record location (after papers segments are merged)', () => {
    const builder = new CatalogBuilder(3, catalog);
    builder.keep(0);
    builder.keep(2);
    builder.move(2, { segment: 11, offset: 5, length: 85 });
    expect(Catalog.parse(Buffer.concat(builder.serialize())).location(2)).toEqual({ segment: 11, offset: 5, length: 85 });
  });

  it('parses from a buffer at any offset, and refuses one of the wrong size or kind', () => {
    const bytes = Buffer.concat(new CatalogBuilder(3, catalog).serialize());
    const shifted = Buffer.concat([Buffer.alloc(3), bytes]).subarray(3);
    expect(Catalog.parse(shifted).size).toBe(3);
    expect(() => Catalog.parse(bytes.subarray(0, bytes.length - 8))).toThrow(/bytes/);
    expect(() => Catalog.parse(Buffer.from('{"ids": []}'))).toThrow(/not a paperscout catalog/);
  });
});

describe('recordHash', () => {
  it('changes with any detail of the record and is stable otherwise', () => {
    expect(recordHash(source)).toBe(recordHash({ ...source }));
    expect(recordHash({ ...source, upvotes: 13 })).not.toBe(recordHash(source));
    expect(recordHash(source)).toMatch(/^[0-9a-f]{32}$/);
  });
});
