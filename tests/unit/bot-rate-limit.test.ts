import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from '../../src/bot/rate-limit.js';

/** A clock the test moves by hand. */
function fakeClock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    set: (t: number) => void (now = t),
    advance: (ms: number) => void (now += ms),
  };
}

describe('SlidingWindowLimiter', () => {
  it('allows `max` events, then refuses with the time until the oldest one leaves the window', () => {
    const clock = fakeClock(0);
    const limiter = new SlidingWindowLimiter(3, 10_000, clock.now);
    expect(limiter.take('u')).toEqual({ allowed: true });
    clock.set(1_000);
    expect(limiter.take('u')).toEqual({ allowed: true });
    clock.set(2_000);
    expect(limiter.take('u')).toEqual({ allowed: true });
    clock.set(2_500);
    expect(limiter.take('u')).toEqual({ allowed: false, retryAfterMs: 7_500 });
    clock.set(9_999);
    expect(limiter.take('u')).toEqual({ allowed: false, retryAfterMs: 1 });
  });

  it('allows again exactly when retryAfterMs has passed', () => {
    const clock = fakeClock();
    const limiter = new SlidingWindowLimiter(2, 5_000, clock.now);
    limiter.take('u');
    clock.advance(100);
    limiter.take('u');
    clock.advance(100);
    const refused = limiter.take('u');
    expect(refused.allowed).toBe(false);
    const wait = refused.allowed ? 0 : refused.retryAfterMs;
    expect(wait).toBe(4_800);
    clock.advance(wait - 1);
    expect(limiter.take('u').allowed).toBe(false);
    clock.advance(1);
    expect(limiter.take('u')).toEqual({ allowed: true });
  });

  it('does not count refused attempts against the user', () => {
    const clock = fakeClock(0);
    const limiter = new SlidingWindowLimiter(1, 1_000, clock.now);
    expect(limiter.take('u').allowed).toBe(true);
    for (let t = 100; t < 1_000; t += 100) {
      clock.set(t);
      expect(limiter.take('u').allowed).toBe(false);
    }
    clock.set(1_000);
    expect(limiter.take('u').allowed).toBe(true);
  });

  it('slides: a burst straddling a fixed-window edge cannot double the limit', () => {
    const clock = fakeClock(0);
    const limiter = new SlidingWindowLimiter(3, 1_000, clock.now);
    // Three at the end of one "bucket"...
    clock.set(900);
    for (let i = 0; i < 3; i++) expect(limiter.take('u').allowed).toBe(true);
    // ...and none at the start of the next: a fixed window resetting at 1000 would allow three more.
    clock.set(1_000);
    expect(limiter.take('u')).toEqual({ allowed: false, retryAfterMs: 900 });
    clock.set(1_899);
    expect(limiter.take('u').allowed).toBe(false);
    clock.set(1_900);
    expect(limiter.take('u').allowed).toBe(true);
  });

  it('frees one slot at a time as each event ages out', () => {
    const clock = fakeClock(0);
    const limiter = new SlidingWindowLimiter(3, 1_000, clock.now);
    for (const t of [0, 300, 600]) {
      clock.set(t);
      limiter.take('u');
    }
    clock.set(1_000); // the event at 0 has left the window, the others have not
    expect(limiter.take('u').allowed).toBe(true);
    expect(limiter.take('u')).toEqual({ allowed: false, retryAfterMs: 300 });
    clock.set(1_300);
    expect(limiter.take('u').allowed).toBe(true);
    expect(limiter.take('u').allowed).toBe(false);
  });

  it('keeps keys independent', () => {
    const clock = fakeClock();
    const limiter = new SlidingWindowLimiter(2, 60_000, clock.now);
    expect(limiter.take('alice').allowed).toBe(true);
    expect(limiter.take('alice').allowed).toBe(true);
    expect(limiter.take('alice').allowed).toBe(false);
    expect(limiter.take('bob').allowed).toBe(true);
    expect(limiter.take('bob').allowed).toBe(true);
    expect(limiter.take('bob').allowed).toBe(false);
    expect(limiter.trackedKeys).toBe(2);
  });

  it('forgets keys with no recent event, so tracked keys shrink after 1000 takes past the window', () => {
    const clock = fakeClock(0);
    const limiter = new SlidingWindowLimiter(5, 1_000, clock.now);
    for (let i = 0; i < 500; i++) limiter.take(`old-${i}`);
    expect(limiter.trackedKeys).toBe(500);
    clock.set(5_000);
    // 499 more takes, by one active key: no sweep yet.
    for (let i = 0; i < 499; i++) limiter.take('active');
    expect(limiter.trackedKeys).toBe(501);
    // The 1000th take sweeps every key whose last event is outside the window.
    limiter.take('active');
    expect(limiter.trackedKeys).toBe(1);
    // A key that was refused still has events inside its window, so it is kept.
    expect(limiter.take('active').allowed).toBe(false);
  });

  it('keeps keys whose last event is still inside the window when sweeping', () => {
    const clock = fakeClock(0);
    const limiter = new SlidingWindowLimiter(1_000, 1_000, clock.now);
    limiter.take('stale');
    clock.set(600);
    limiter.take('recent');
    clock.set(1_500);
    for (let i = 0; i < 998; i++) limiter.take('busy'); // takes 3..1000: the sweep happens on the last
    expect(limiter.trackedKeys).toBe(2);
    expect(limiter.take('recent').allowed).toBe(true);
  });
});
