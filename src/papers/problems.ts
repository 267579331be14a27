/** A part of a source that could not be used, or was changed to be used, and where it is, so the user can fix it. */
export interface SourceProblem {
  source: string;
  /** "line 12", "item 3", ... */
  location: string;
  message: string;
}

/** Problems kept in full; past these they are only counted, so a file of garbage costs a counter, not memory. */
export const PROBLEMS_KEPT = 100;

/** What a parser or loader found wrong: the first problems in full, and how many there were in all. */
export interface ProblemCounts {
  /** The first PROBLEMS_KEPT problems, in the order they were found. */
  problems: SourceProblem[];
  /** Problems in all, including those not kept. */
  problemCount: number;
  /** Records (lines, items, blocks) that could not be used at all; each is also a problem. */
  unusable: number;
}

export interface ParsedSource<T> extends ProblemCounts {
  items: T[];
  /** Where each item was found ("line 3"), in the same order as the items. */
  locations: string[];
}

/** A bounded collector of problems, used by every parser and loader. */
export class ProblemLog {
  private readonly kept: SourceProblem[] = [];
  private count = 0;
  private rejected = 0;

  constructor(private readonly limit = PROBLEMS_KEPT) {}

  /** A record that could not be used, and why. */
  reject(problem: SourceProblem): void {
    this.rejected++;
    this.note(problem);
  }

  /** A record that was used, but changed or doubtful (a field cut, a conflicting duplicate). */
  note(problem: SourceProblem): void {
    this.count++;
    if (this.kept.length < this.limit) this.kept.push(problem);
  }

  /** Adds another collector's problems: its kept ones, up to this one's limit, and all of its counts. */
  add(other: ProblemCounts): void {
    for (const problem of other.problems) {
      if (this.kept.length >= this.limit) break;
      this.kept.push(problem);
    }
    this.count += other.problemCount;
    this.rejected += other.unusable;
  }

  counts(): ProblemCounts {
    return { problems: this.kept, problemCount: this.count, unusable: this.rejected };
  }

  parsed<T>(items: T[], locations: string[]): ParsedSource<T> {
    return { items, locations, ...this.counts() };
  }
}

export function formatProblem(problem: SourceProblem): string {
  return `${problem.source}, ${problem.location}: ${problem.message}`;
}

/** "3 problems" or "the first 100 of 200,000 problems": what a list of kept problems stands for. */
export function describeProblemCount({ problems, problemCount }: Pick<ProblemCounts, 'problems' | 'problemCount'>): string {
  const all = `${problemCount.toLocaleString('en-US')} problem${problemCount === 1 ? '' : 's'}`;
  return problems.length < problemCount ? `the first ${problems.length} of ${all}` : all;
}
