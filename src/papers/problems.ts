/** A part of a source that could not be used, and where it is, so the user can fix it. */
export interface SourceProblem {
  source: string;
  /** "line 12", "item 3", ... */
  location: string;
  message: string;
}

export interface ParsedSource<T> {
  items: T[];
  problems: SourceProblem[];
}

export function formatProblem(problem: SourceProblem): string {
  return `${problem.source}, ${problem.location}: ${problem.message}`;
}
