import { describe, expect, it } from 'vitest';
import { formatRetryNotice, formatWait, retryWaitMs, TIMER_LIMIT_MS } from '../../src/feed/retry.js';

describe('retry waits', () => {
  const policy = { minBackoffMs: 1000, maxWaitMs: 120_000 };

  it('backs off exponentially with jitter, never past the cap', () => {
    expect(retryWaitMs(1, policy, undefined, 0)).toBe(1000);
    expect(retryWaitMs(3, policy, undefined, 0.5)).toBe(6000);
    expect(retryWaitMs(20, policy, undefined, 1)).toBe(120_000);
  });

  it('waits at least what Retry-After asks, and gives up when it asks for more than the cap', () => {
    expect(retryWaitMs(1, policy, 30_000, 0)).toBe(30_000);
    expect(retryWaitMs(1, policy, 0, 0)).toBe(1000);
    expect(retryWaitMs(1, policy, 120_001, 0)).toBeUndefined();
    expect(retryWaitMs(1, policy, 999_999_000, 0)).toBeUndefined();
  });

  it('never asks a timer for more than it can hold', () => {
    const unbounded = { minBackoffMs: 1000, maxWaitMs: 2 ** 40 };
    expect(retryWaitMs(60, unbounded, undefined, 1)).toBe(TIMER_LIMIT_MS);
    expect(retryWaitMs(1, unbounded, 2 ** 35, 0)).toBeUndefined();
    expect(TIMER_LIMIT_MS).toBeLessThan(2 ** 31);
  });

  it('puts waits in units a person reads at a glance', () => {
    expect(formatWait(1)).toBe('1 s');
    expect(formatWait(119_000)).toBe('119 s');
    expect(formatWait(600_000)).toBe('10 min');
    expect(formatWait(5 * 3600_000)).toBe('5 h');
    expect(formatWait(999_999_000)).toBe('11.6 days');
  });

  it('says what it waits for and until when', () => {
    const notice = { url: 'https://huggingface.co/api/daily_papers?date=2025-03-14', reason: 'HTTP 429', retry: 2, retries: 4, waitMs: 90_500, at: new Date('2025-03-14T06:01:30.600Z') };
    expect(formatRetryNotice(notice)).toBe('HTTP 429 from https://huggingface.co/api/daily_papers?date=2025-03-14; retry 2 of 4 in 91 s, at 06:01:30 UTC');
  });
});
