import { describe, expect, it } from 'vitest';
import { percentile } from '../../src/util/percentile.js';

describe('percentile', () => {
  it('gives the same value whatever the order of the values', () => {
    expect(percentile([40, 10, 30, 20], 50)).toBe(20);
    expect(percentile([3, 1, 2], 95)).toBe(3);
  });

  it('is always one of the values, never an average of two', () => {
    expect(percentile([1, 2], 50)).toBe(1);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 25)).toBe(3);
  });

  it('leaves its input as it was', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });

  it('is NaN for no values', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});
