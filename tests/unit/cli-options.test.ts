import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { isoDate, nonNegativeInt, positiveInt } from '../../src/cli/options.js';

describe('CLI option parsers', () => {
  it('positiveInt takes counts from 1 and refuses 0, negatives, fractions and words', () => {
    expect(positiveInt('1')).toBe(1);
    expect(positiveInt('25')).toBe(25);
    for (const bad of ['0', '-1', '2.5', 'five', '']) expect(() => positiveInt(bad)).toThrow(InvalidArgumentError);
    expect(() => positiveInt('0')).toThrow('expected a whole number of 1 or more');
  });

  it('nonNegativeInt takes offsets from 0', () => {
    expect(nonNegativeInt('0')).toBe(0);
    expect(nonNegativeInt('10')).toBe(10);
    for (const bad of ['-1', '0.5', 'x']) expect(() => nonNegativeInt(bad)).toThrow('expected a whole number of 0 or more');
  });

  it('isoDate takes YYYY-MM-DD only', () => {
    expect(isoDate('2025-03-14')).toBe('2025-03-14');
    expect(() => isoDate('yesterday')).toThrow('expected YYYY-MM-DD');
  });
});
