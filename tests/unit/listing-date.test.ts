import { describe, expect, it } from 'vitest';
import { inferListingDate, parseMonthDay } from '../../src/papers/listing-date.js';

describe('list dates without a year', () => {
  it('parses short and long month names', () => {
    expect(parseMonthDay('Mar 12')).toEqual({ month: 3, day: 12 });
    expect(parseMonthDay('September 3')).toEqual({ month: 9, day: 3 });
    expect(parseMonthDay('Foo 12')).toBeUndefined();
    expect(parseMonthDay('Feb 30')).toBeUndefined();
  });

  it('takes the first such day on or after the newest arXiv id listed', () => {
    const today = new Date('2030-01-01');
    expect(inferListingDate({ month: 3, day: 12 }, ['2306.13575', '2502.02732'], today)).toBe('2025-03-12');
    expect(inferListingDate({ month: 1, day: 5 }, ['2502.02732'], today)).toBe('2026-01-05');
    expect(inferListingDate({ month: 2, day: 29 }, ['2402.00001'], today)).toBe('2024-02-29');
    expect(inferListingDate({ month: 2, day: 29 }, ['2503.00001'], today)).toBe('2028-02-29');
  });

  it('without ids, takes the latest such day not after today', () => {
    expect(inferListingDate({ month: 3, day: 12 }, [], new Date('2026-11-28'))).toBe('2026-03-12');
    expect(inferListingDate({ month: 12, day: 1 }, [], new Date('2026-11-28'))).toBe('2025-12-01');
  });
});
