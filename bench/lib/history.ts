import type { Section } from './types.js';

/**
 * Optimizations made after profiling, with the figure measured before and after each one (100k
 * synthetic papers, this machine), and the same figure in the current run when it measured it.
 */
interface Change {
  commit: string;
  what: string;
  /** The figure's name in the report, to look up this run's value. */
  figure: string;
  unit: string;
  before: number;
  after: number;
}

const CHANGES: Change[] = [
  { commit: 'c155ab5', what: 'compact in-memory catalog, full records read on demand; chunked checksums', figure: 'cold start at 100k', unit: 'ms', before: 3700, after: 1480 },
  { commit: 'c155ab5', what: 'compact in-memory catalog, full records read on demand', figure: 'peak RSS while serving at 100k', unit: 'MB', before: 1150, after: 752 },
  { commit: 'a3d99fe', what: 'source file stamps in the manifest: an unchanged reload reads no source', figure: 'reload, nothing changed, at 100k', unit: 'ms', before: 4800, after: 1 },
  { commit: '7fb6ae7', what: 'cooperative build: long loops yield every 15 ms', figure: 'bot event-loop delay max during a /reload at 100k', unit: 'ms', before: 35_000, after: 1900 },
  { commit: 'eaa5052', what: 'the bot builds reloads in a worker thread', figure: 'bot event-loop delay max during a /reload at 100k', unit: 'ms', before: 1900, after: 90 },
  { commit: 'eaa5052', what: 'the bot builds reloads in a worker thread (with the two changes above)', figure: 'interactions acked within 3 s during a /reload at 100k', unit: '%', before: 57, after: 100 },
];

/** The before/after table, with this run's value of each figure beside it. */
export function historySection(measured: readonly Section[]): Section {
  const current = new Map(measured.flatMap((s) => s.figures.map((f) => [f.name, f.median] as const)));
  const value = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(1));
  return {
    id: 'history',
    title: 'Before and after: what profiling changed',
    figures: [],
    tables: [
      {
        title: 'Each change, measured at 100k papers before and after it was made',
        columns: ['commit', 'change', 'figure', 'before', 'after', 'this run'],
        rows: CHANGES.map((c) => {
          const now = current.get(c.figure);
          return [c.commit, c.what, c.figure, `${value(c.before)} ${c.unit}`, `${value(c.after)} ${c.unit}`, now === undefined ? 'not measured' : `${value(now)} ${c.unit}`];
        }),
      },
    ],
    notes: [
      'Before and after were measured with this benchmark\'s probes when each change was made. The slowest stage found first was the reload: it blocked the bot\'s event loop for the whole build, so only 54–60% of interactions were acknowledged within 3 s during a 100k reload.',
    ],
  };
}
