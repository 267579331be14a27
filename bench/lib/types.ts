/** One measured figure: the median over repeated runs, with its spread. */
export interface Figure {
  name: string;
  unit: string;
  median: number;
  /** 25th and 75th percentile of the runs (the spread reported next to the median). */
  p25?: number;
  p75?: number;
  runs?: number;
  /** The goal from the issue, shown next to the measured value. */
  target?: Target;
  note?: string;
  /** Decimals to show, where the default (fewer as values grow) would round a fraction onto its target. */
  digits?: number;
}

export interface Target {
  op: '<=' | '>=';
  value: number;
}

/** Both sides measured in the same run, on the same inputs. */
export interface Comparison {
  name: string;
  ours: Figure;
  theirs: Figure;
  /** ours / theirs for throughput, theirs / ours for latency: > 1 means paperscout is better. */
  ratio: number;
  target?: Target;
  note?: string;
}

export interface Table {
  title: string;
  columns: string[];
  rows: (string | number)[][];
}

export interface Section {
  id: string;
  title: string;
  figures: Figure[];
  comparisons?: Comparison[];
  tables?: Table[];
  notes?: string[];
  /** Set when the section could not run here, with the reason. */
  skipped?: string;
}

export interface BenchContext {
  quick: boolean;
  /** Progress lines for the person watching. */
  log(line: string): void;
  /** The project root (absolute, with a trailing slash). */
  root: string;
  /** Scratch space under data/bench/, kept between runs (virtualenvs, corpora). */
  workDir: string;
}

export function meets(value: number, target: Target | undefined): boolean | undefined {
  if (!target) return undefined;
  return target.op === '<=' ? value <= target.value : value >= target.value;
}
