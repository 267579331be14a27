import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SentenceStoreFormatError } from '../../src/errors.js';
import { SentenceStore, SentenceStoreWriter } from '../../src/index/sentence-store.js';
import { dot, dotQuantized } from '../../src/search/vectors.js';
import type { Span } from '../../src/text/sentences.js';

const DIM = 16;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'paperscout-sentences-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

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

async function writeStore(path: string): Promise<void> {
  const writer = new SentenceStoreWriter(path, DIM, spansByLabel);
  // Labels may be written in any order.
  writer.write(2, vectorsByLabel[2]!);
  writer.write(0, vectorsByLabel[0]!);
  writer.write(1, []);
  await writer.finish();
}

describe('sentence store', () => {
  it('reads back the spans of every label', async () => {
    const path = join(dir, 'sentences.bin');
    await writeStore(path);
    const store = SentenceStore.open(path, DIM);
    try {
      expect(store.labels).toBe(3);
      expect(store.dimension).toBe(DIM);
      for (let label = 0; label < 3; label++) expect(store.get(label).spans).toEqual(spansByLabel[label]);
    } finally {
      store.close();
    }
  });

  it('keeps quantized dot products within 0.01 of the float ones', async () => {
    const path = join(dir, 'sentences.bin');
    await writeStore(path);
    const store = SentenceStore.open(path, DIM);
    try {
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
    } finally {
      store.close();
    }
  });

  it('gives a label with no sentences empty spans, scales and codes', async () => {
    const path = join(dir, 'sentences.bin');
    await writeStore(path);
    const store = SentenceStore.open(path, DIM);
    try {
      const empty = store.get(1);
      expect(empty.spans).toEqual([]);
      expect(empty.scales).toHaveLength(0);
      expect(empty.codes).toHaveLength(0);
      expect(store.get(99).spans).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('copy reproduces the rows of an earlier store exactly', async () => {
    const first = join(dir, 'first.bin');
    await writeStore(first);
    const old = SentenceStore.open(first, DIM);
    // The new store drops label 0 and puts old label 2 first, with a new label after it.
    const second = join(dir, 'second.bin');
    const fresh = [unit(77)];
    const writer = new SentenceStoreWriter(second, DIM, [spansByLabel[2]!, [{ start: 0, end: 50 }]]);
    writer.copy(0, old.get(2));
    writer.write(1, fresh);
    await writer.finish();
    const store = SentenceStore.open(second, DIM);
    try {
      const copied = store.get(0);
      const original = old.get(2);
      expect(copied.spans).toEqual(original.spans);
      expect(copied.scales).toEqual(original.scales);
      expect(copied.codes).toEqual(original.codes);
      const written = store.get(1);
      expect(Math.abs(dotQuantized(fresh[0]!, written.codes, written.scales[0]!) - 1)).toBeLessThan(0.01);
    } finally {
      store.close();
      old.close();
    }
  });

  it('refuses to open a store of another dimension with SentenceStoreFormatError', async () => {
    const path = join(dir, 'sentences.bin');
    await writeStore(path);
    expect(() => SentenceStore.open(path, DIM * 2)).toThrow(SentenceStoreFormatError);
    expect(() => SentenceStore.open(path, DIM * 2)).toThrow(/16-d vectors, expected 32/);
  });

  it('refuses a file that is not a sentence store', async () => {
    const path = join(dir, 'other.bin');
    writeFileSync(path, Buffer.from('PSEC this is something else entirely'));
    expect(() => SentenceStore.open(path, DIM)).toThrow(SentenceStoreFormatError);
  });

  it('refuses a vector count that does not match the spans', async () => {
    const writer = new SentenceStoreWriter(join(dir, 's.bin'), DIM, spansByLabel);
    expect(() => writer.write(0, [unit(1)])).toThrow(/label 0: 1 vectors for 2 sentences/);
    writer.write(0, vectorsByLabel[0]!);
    writer.write(2, vectorsByLabel[2]!);
    await writer.finish();
  });

  it('leaves only the final file behind after finish', async () => {
    const path = join(dir, 'sentences.bin');
    const writer = new SentenceStoreWriter(path, DIM, spansByLabel);
    expect(existsSync(path)).toBe(false);
    writer.write(0, vectorsByLabel[0]!);
    writer.write(2, vectorsByLabel[2]!);
    await writer.finish();
    expect(readdirSync(dir)).toEqual(['sentences.bin']);
  });

  it('writes an empty store that opens with zero labels', async () => {
    const path = join(dir, 'empty.bin');
    await new SentenceStoreWriter(path, DIM, []).finish();
    const store = SentenceStore.open(path, DIM);
    try {
      expect(store.labels).toBe(0);
      expect(store.get(0).spans).toEqual([]);
    } finally {
      store.close();
    }
  });
});
