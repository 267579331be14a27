import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/format/progress.js';

describe('progressLine', () => {
  it('shows phase, count, a ten-segment bar and the percentage', () => {
    expect(progressLine({ phase: 'embedding', done: 340, total: 1200 })).toBe('Embedding 340/1200 ▰▰▰▱▱▱▱▱▱▱ 28%');
  });

  it('labels every phase', () => {
    expect(progressLine({ phase: 'indexing', done: 1, total: 2 })).toBe('Indexing 1/2 ▰▰▰▰▰▱▱▱▱▱ 50%');
    expect(progressLine({ phase: 'saving', done: 3, total: 3 })).toBe('Saving 3/3 ▰▰▰▰▰▰▰▰▰▰ 100%');
  });

  it('starts empty', () => {
    expect(progressLine({ phase: 'embedding', done: 0, total: 64 })).toBe('Embedding 0/64 ▱▱▱▱▱▱▱▱▱▱ 0%');
  });

  it('shows a full bar at 100% when there is nothing to do', () => {
    expect(progressLine({ phase: 'embedding', done: 0, total: 0 })).toBe('Embedding 0/0 ▰▰▰▰▰▰▰▰▰▰ 100%');
  });

  it('never goes past 100% when done overshoots total', () => {
    expect(progressLine({ phase: 'indexing', done: 12, total: 10 })).toBe('Indexing 12/10 ▰▰▰▰▰▰▰▰▰▰ 100%');
  });

  it('rounds the bar and percentage to the nearest step', () => {
    expect(progressLine({ phase: 'embedding', done: 1, total: 3 })).toBe('Embedding 1/3 ▰▰▰▱▱▱▱▱▱▱ 33%');
    expect(progressLine({ phase: 'embedding', done: 2, total: 3 })).toBe('Embedding 2/3 ▰▰▰▰▰▰▰▱▱▱ 67%');
  });

  it('draws a bar of the requested width', () => {
    expect(progressLine({ phase: 'saving', done: 1, total: 4 }, 4)).toBe('Saving 1/4 ▰▱▱▱ 25%');
  });
});
