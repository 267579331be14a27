import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.js';

/** The 580 real Hugging Face days, read-only beside the project; absent on a clone without ../shared. */
export const REAL_DAYS_DIR = join(ROOT, '../shared/realworld/hf-days');

export const hasRealDays = existsSync(REAL_DAYS_DIR);

/** Every real day's date, oldest first. */
export function realDates(): string[] {
  return readdirSync(REAL_DAYS_DIR)
    .flatMap((name) => /^(\d{4}-\d{2}-\d{2})\.json$/.exec(name)?.[1] ?? [])
    .sort();
}

/** Real days as the API returned them, by date (all of them unless `dates` says which). */
export function realDays(dates: readonly string[] = realDates()): Record<string, unknown[]> {
  return Object.fromEntries(dates.map((date) => [date, JSON.parse(readFileSync(join(REAL_DAYS_DIR, `${date}.json`), 'utf8')) as unknown[]]));
}
