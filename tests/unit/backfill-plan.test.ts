import { describe, expect, it } from 'vitest';
import { datesBetween, isSettled, planBackfill } from '../../src/feed/backfill.js';

describe('backfill plan', () => {
  it('lists every date of a range, both ends included, across months and leap days', () => {
    expect(datesBetween('2024-02-27', '2024-03-01')).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']);
    expect(datesBetween('2025-03-12', '2025-03-12')).toEqual(['2025-03-12']);
    expect(datesBetween('2025-03-12', '2025-03-11')).toEqual([]);
    expect(datesBetween('2025-01-01', '2025-12-31')).toHaveLength(365);
  });

  it('skips settled days already stored or known to have no list, and always asks again for recent ones', () => {
    const dates = datesBetween('2025-03-08', '2025-03-14');
    const stored = new Set(['2025-03-10', '2025-03-11', '2025-03-13', '2025-03-14']);
    const empty = new Set(['2025-03-08']);
    expect(planBackfill(dates, stored, empty, '2025-03-14', 2)).toEqual({ fetch: ['2025-03-09', '2025-03-12', '2025-03-13', '2025-03-14'], skipped: 3 });
  });

  it('calls a day settled once it is older than the refresh window', () => {
    expect(isSettled('2025-03-12', '2025-03-14', 2)).toBe(true);
    expect(isSettled('2025-03-13', '2025-03-14', 2)).toBe(false);
  });
});
