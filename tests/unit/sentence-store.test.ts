import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SentenceStoreFormatError } from '../../src/errors.js';
import type { RangedEntry } from '../../src/index/manifest.js';
import { SentenceSegmentWriter, SentenceStore } from '../../src/index/sentence-store.js';
import { dot, dotQuantized } from '../../src/search/vectors.js';
import type { Span } from '../../src/text/sentences.js';

const DIM = 16;
let dir: string;
const stores: SentenceStore[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'paperscout-sentences-'));
});
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  rmSync(dir, { recursive: true, force: true });
});

function unit(seed: number): Float32Array {
  const v = Float32Array.from({ length: DIM }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453 % 1);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

// Label 0: two sentences, label 1: none, label 2: three sentences.
const spansByLabel: Span[][] = [
  [{ start: 0, end: 40 }, { start: 41, end: 95 }],
  [],
  [{ start: 0, end: 30 }, { start: 31, end: 70 }, { start: 71, end: 120 }],
];
const vectorsByLabel = spansByLabel.map((spans, label) => spans.map((_, i) => unit(label * 10 + i + 1)));

/** A segment of labels first, first + 1, …, first + 2 holding the three labels above. */
async function writeSegment(name: string, first = 0): Promise<RangedEntry> {
  const writer = new SentenceSegmentWriter(dir, name, DIM, first);
  spansByLabel.forEach((spans, i) => writer.write(first + i, spans, vectorsByLabel[i]!));
  return writer.finish();
}

function open(entries: RangedEntry[], dimension = DIM): SentenceStore {
  const store = SentenceStore.open(dir, entries, dimension);
  stores.push(store);
  return store;
}

describe('sentence store', () => {
  it('reads back the spans of every label', async () => {
    const store = open([await writeSegment('sentences-00000001.bin')]);
    expect(store.labels).toBe(3);
    expect(store.dimension).toBe(DIM);
    for (let label = 0; label < 3; label++) expect(store.get(label).spans).toEqual(spansByLabel[label]);
  });

  it('keeps quantized dot products within 0.01 of the float ones', async () => {
    const store = open([await writeSegment('sentences-00000001.bin')]);
    const queries = [unit(101), unit(202), unit(303)];
    for (const label of [0, 2]) {
      const { scales, codes } = store.get(label);
      const vectors = vectorsByLabel[label]!;
      expect(scales).toHaveLength(vectors.length);
      expect(codes).toHaveLength(vectors.length * DIM);
      vectors.forEach((vector, row) => {
        for (const query of [...queries, vector]) {
          const quantized = dotQuantized(query, codes.subarray(row * DIM, (row + 1) * DIM), scales[row]!);
          expect(Math.abs(quantized - dot(query, vector))).toBeLessThan(0.01);
        }
      });
    }
  });

  it('gives a label with no sentences, or beyond every segment, empty spans, scales and codes', async () => {
    const store = open([await writeSegment('sentences-00000001.bin')]);
    const empty = store.get(1);
    expect(empty.spans).toEqual([]);
    expect(empty.scales).toHaveLength(0);
    expect(empty.codes).toHaveLength(0);
    expect(store.get(99).spans).toEqual([]);
  });

  it('reads each label from the segment that covers it, across segments appended by later generations', async () => {
    const base = await writeSegment('sentences-00000001.bin', 0);
    const appended = await writeSegment('sentences-00000002.bin', 3);
    // Opened newest first: the store orders segments by their labels.
    const store = open([appended, base]);
    expect(store.labels).toBe(6);
    for (let label = 0; label < 6; label++) expect(store.get(label).spans).toEqual(spansByLabel[label % 3]);
    expect(store.get(5).codes).toEqual(store.get(2).codes);
  });

  it('leaves labels skipped in a segment empty (a dead label, or one written later elsewhere)', async () => {
    const writer = new SentenceSegmentWriter(dir, 'sentences-00000001.bin', DIM, 10);
    writer.write(12, spansByLabel[2]!, vectorsByLabel[2]!);
    const entry = await writer.finish();
    expect(entry).toMatchObject({ firstLabel: 10, labels: 3 });
    const store = open([entry]);
    expect(store.get(10).spans).toEqual([]);
    expect(store.get(11).spans).toEqual([]);
    expect(store.get(12).spans).toEqual(spansByLabel[2]);
    expect(() => writer.write(11, [], [])).toThrow();
  });

  it('copy reproduces the rows of an earlier segment exactly', async () => {
    const old = open([await writeSegment('sentences-00000001.bin')]);
    const fresh = [unit(77)];
    const writer = new SentenceSegmentWriter(dir, 'sentences-00000002.bin', DIM, 0);
    writer.copy(0, old.get(2));
    writer.write(1, [{ start: 0, end: 50 }], fresh);
    const store = open([await writer.finish()]);
    const copied = store.get(0);
    const original = old.get(2);
    expect(copied.spans).toEqual(original.spans);
    expect(copied.scales).toEqual(original.scales);
    expect(copied.codes).toEqual(original.codes);
    const written = store.get(1);
    expect(Math.abs(dotQuantized(fresh[0]!, written.codes, written.scales[0]!) - 1)).toBeLessThan(0.01);
  });

  it('records the size and SHA-256 of what it wrote, as written', async () => {
    const entry = await writeSegment('sentences-00000001.bin');
    const bytes = readFileSync(join(dir, entry.name));
    expect(entry.bytes).toBe(bytes.length);
    expect(entry.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('refuses to open a segment of another dimension with SentenceStoreFormatError', async () => {
    const entry = await writeSegment('sentences-00000001.bin');
    expect(() => SentenceStore.open(dir, [entry], DIM * 2)).toThrow(SentenceStoreFormatError);
    expect(() => SentenceStore.open(dir, [entry], DIM * 2)).toThrow(/16-d vectors, expected 32/);
  });

  it('refuses a file that is not a sentence segment, or one cut short', async () => {
    writeFileSync(join(dir, 'sentences-00000009.bin'), Buffer.from('PSEC this is something else entirely'));
    const other = { name: 'sentences-00000009.bin', bytes: 0, sha256: '', edges: '', firstLabel: 0, labels: 0 };
    expect(() => SentenceStore.open(dir, [other], DIM)).toThrow(SentenceStoreFormatError);
    const entry = await writeSegment('sentences-00000001.bin');
    const path = join(dir, entry.name);
    writeFileSync(path, readFileSync(path).subarray(0, entry.bytes - 40));
    expect(() => SentenceStore.open(dir, [entry], DIM)).toThrow(SentenceStoreFormatError);
  });

  it('refuses a vector count that does not match the spans', () => {
    const writer = new SentenceSegmentWriter(dir, 'sentences-00000001.bin', DIM, 0);
    expect(() => writer.write(0, spansByLabel[0]!, [unit(1)])).toThrow(/label 0: 1 vectors for 2 sentences/);
    writer.abandon();
  });

  it('writes an empty segment that opens with zero labels', async () => {
    const store = open([await new SentenceSegmentWriter(dir, 'sentences-00000001.bin', DIM, 0).finish()]);
    expect(store.labels).toBe(0);
    expect(store.get(0).spans).toEqual([]);
  });
});
