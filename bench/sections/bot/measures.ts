import type { IntervalHistogram } from 'node:perf_hooks';
import type { Sample } from '../../lib/twin-clock.js';

// Milliseconds from the slash command; Infinity when the ack or answer never came.
export const ackMs = (s: Sample) => (s.ackAt === undefined ? Infinity : s.ackAt - s.sentAt);
export const editMs = (s: Sample) => (s.editAt === undefined ? Infinity : s.editAt - s.sentAt);
export const ackFromDispatchMs = (s: Sample) => (s.ackAt === undefined || s.dispatchedAt === undefined ? Infinity : s.ackAt - s.dispatchedAt);
export const twinMs = (s: Sample) => (s.dispatchedAt === undefined ? NaN : s.dispatchedAt - s.sentAt);
export const round = (v: number) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : v);

export function loopStats(h: IntervalHistogram): { maxMs: number; p99Ms: number } {
  return { maxMs: round(h.max / 1e6), p99Ms: round(h.percentile(99) / 1e6) };
}

