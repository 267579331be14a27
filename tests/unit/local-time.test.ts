import { describe, expect, it } from 'vitest';
import { isIsoDate, isTimeZone, localTime } from '../../src/util/local-time.js';

describe('isIsoDate', () => {
  it('accepts real calendar days', () => {
    expect(isIsoDate('2025-03-12')).toBe(true);
    expect(isIsoDate('2024-02-29')).toBe(true);
  });

  it('refuses days that do not exist and other shapes', () => {
    for (const bad of ['2025-02-30', '2025-02-29', '2025-13-01', '2025-00-10', '2025-3-12', '12/03/2025', '2025-03-12T00:00', '']) {
      expect(isIsoDate(bad), bad).toBe(false);
    }
  });
});

describe('localTime', () => {
  it('gives the wall-clock date in the zone, not in UTC', () => {
    const instant = Date.parse('2025-03-12T23:30:00Z');
    expect(localTime(instant, 'UTC')).toEqual({ date: '2025-03-12', minutes: 23 * 60 + 30 });
    expect(localTime(instant, 'Asia/Tokyo').date).toBe('2025-03-13');
  });

  it('knows real time zones', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
