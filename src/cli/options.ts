import { InvalidArgumentError } from 'commander';
import { isIsoDate } from '../util/local-time.js';

function wholeNumber(value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number of ${min} or more`);
  return n;
}

/** A count such as `-k`, `--limit` or `--days`: 0 would ask for nothing, so it is refused. */
export function positiveInt(value: string): number {
  return wholeNumber(value, 1);
}

/** An `--offset`: 0 is the first page. */
export function nonNegativeInt(value: string): number {
  return wholeNumber(value, 0);
}

export function isoDate(value: string): string {
  if (!isIsoDate(value)) throw new InvalidArgumentError('expected YYYY-MM-DD');
  return value;
}
