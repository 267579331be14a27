import { describe, expect, it } from 'vitest';
import { normalizeInPlace, poolAndNormalize } from '../../src/embedding/pooling.js';

function norm(v: Float32Array): number {
  return Math.hypot(...v);
}

function expectClose(actual: Float32Array, expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((x, i) => expect(actual[i]).toBeCloseTo(x, 6));
}

// batch 2, tokens 3, dimension 2
const hidden = Float32Array.from([
  // text 0: tokens [3,0] [1,2] [100,100] (third token is padding)
  3, 0, 1, 2, 100, 100,
  // text 1: tokens [0,4] [0,0] [0,0] (only the first is real)
  0, 4, 9, 9, -9, 9,
]);
const shape = { batch: 2, tokens: 3, dimension: 2 };

describe('poolAndNormalize', () => {
  it('averages only unmasked tokens in mean pooling', () => {
    const mask = BigInt64Array.from([1n, 1n, 0n, 1n, 0n, 0n]);
    const [a, b] = poolAndNormalize(hidden, mask, shape, 'mean');
    // mean of [3,0] and [1,2] = [2,1]
    expectClose(a!, [2 / Math.sqrt(5), 1 / Math.sqrt(5)]);
    expectClose(b!, [0, 1]);
  });

  it('accepts an Int32Array mask as well', () => {
    const big = poolAndNormalize(hidden, BigInt64Array.from([1n, 1n, 0n, 1n, 0n, 0n]), shape, 'mean');
    const small = poolAndNormalize(hidden, Int32Array.from([1, 1, 0, 1, 0, 0]), shape, 'mean');
    expect(small).toEqual(big);
  });

  it('takes token 0 in cls pooling, whatever the mask says', () => {
    const [a, b] = poolAndNormalize(hidden, Int32Array.from([1, 1, 1, 1, 1, 1]), shape, 'cls');
    expectClose(a!, [1, 0]);
    expectClose(b!, [0, 1]);
  });

  it('returns unit-length vectors, one per text', () => {
    const dim = 5;
    const data = Float32Array.from({ length: 3 * 4 * dim }, (_, i) => Math.cos(i * 1.7) * 10);
    const mask = Int32Array.from({ length: 12 }, (_, i) => (i % 4 < 3 ? 1 : 0));
    for (const pooling of ['mean', 'cls'] as const) {
      const vectors = poolAndNormalize(data, mask, { batch: 3, tokens: 4, dimension: dim }, pooling);
      expect(vectors).toHaveLength(3);
      for (const v of vectors) expect(norm(v)).toBeCloseTo(1, 5);
    }
  });

  it('gives a zero vector for a fully masked text instead of NaN', () => {
    const [a, b] = poolAndNormalize(hidden, Int32Array.from([0, 0, 0, 1, 0, 0]), shape, 'mean');
    expect(Array.from(a!)).toEqual([0, 0]);
    expectClose(b!, [0, 1]);
  });
});

describe('normalizeInPlace', () => {
  it('scales to unit length in place and returns the same array', () => {
    const v = Float32Array.from([3, 4]);
    const out = normalizeInPlace(v);
    expect(out).toBe(v);
    expectClose(v, [0.6, 0.8]);
  });

  it('leaves a zero vector zero', () => {
    const v = new Float32Array(4);
    normalizeInPlace(v);
    expect(Array.from(v)).toEqual([0, 0, 0, 0]);
    expect(v.some(Number.isNaN)).toBe(false);
  });
});
