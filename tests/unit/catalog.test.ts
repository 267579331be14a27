import { describe, expect, it } from 'vitest';
import { Catalog, recordHash } from '../../src/index/catalog.js';
import type { IndexedPaper } from '../../src/index/indexed-paper.js';
import type { Paper } from '../../src/papers/paper.js';

const source: Paper = { id: '2306.13575', title: 'Scaling MLPs', abstract: 'MLPs scale.', source: 'seed', upvotes: 12, listings: [{ date: '2025-03-12', rank: 2 }] };
const other: Paper = { id: 'extra-1', title: 'Widgets', abstract: 'Widgets help.', source: 'test' };
const indexed = (paper: Paper, contentHash: string, tldrSentence: number): IndexedPaper => ({ ...paper, contentHash, tldrSentence });

// Label 1 is dead (a removed paper); offsets are the byte offsets of papers.jsonl lines, then its length.
const catalog = Catalog.fromRecords([indexed(source, 'hash-a', 1), null, indexed(other, 'hash-b', 0)], [source, null, other], [0, 120, 125, 210]);

describe('Catalog', () => {
  it('holds each label’s id, title, hashes, TL;DR sentence, upvotes and listings', () => {
    expect(catalog.size).toBe(3);
    expect([0, 1, 2].map((l) => catalog.id(l))).toEqual(['2306.13575', null, 'extra-1']);
    expect(catalog.title(0)).toBe('Scaling MLPs');
    expect(catalog.contentHash(2)).toBe('hash-b');
    expect(catalog.recordHash(0)).toBe(recordHash(source));
    expect(catalog.tldrSentence(0)).toBe(1);
    expect(catalog.upvotes(0)).toBe(12);
    expect(catalog.listings(0)).toEqual([{ date: '2025-03-12', rank: 2 }]);
  });

  it('answers safely for a dead label and for a paper without upvotes or listings', () => {
    expect(catalog.title(1)).toBe('');
    expect(catalog.upvotes(1)).toBeUndefined();
    expect(catalog.listings(1)).toEqual([]);
    expect(catalog.upvotes(2)).toBeUndefined();
    expect(catalog.listings(2)).toEqual([]);
    expect(catalog.id(99)).toBeNull();
  });

  it('locates each record in papers.jsonl from consecutive offsets', () => {
    expect(catalog.span(0)).toEqual({ offset: 0, length: 120 });
    expect(catalog.span(1)).toEqual({ offset: 120, length: 5 });
    expect(catalog.span(2)).toEqual({ offset: 125, length: 85 });
  });

  it('survives serialize and parse unchanged', () => {
    const parsed = Catalog.parse(catalog.serialize());
    for (let label = 0; label < catalog.size; label++) {
      expect(parsed.id(label)).toBe(catalog.id(label));
      expect(parsed.recordHash(label)).toBe(catalog.recordHash(label));
      expect(parsed.listings(label)).toEqual(catalog.listings(label));
      expect(parsed.span(label)).toEqual(catalog.span(label));
    }
    expect(parsed.serialize()).toBe(catalog.serialize());
  });
});

describe('recordHash', () => {
  it('changes with any detail of the record and is stable otherwise', () => {
    expect(recordHash(source)).toBe(recordHash({ ...source }));
    expect(recordHash({ ...source, upvotes: 13 })).not.toBe(recordHash(source));
    expect(recordHash(source)).toMatch(/^[0-9a-f]{32}$/);
  });
});
