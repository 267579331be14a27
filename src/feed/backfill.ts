import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { BuildProgress } from '../format/progress.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { confineWrite } from '../util/paths.js';
import { fetchDailyPapers, type DailyClientOptions } from './daily-client.js';
import { feedDir, saveDay } from './feed-store.js';
import type { DayReport } from './refresh.js';

const DAY_MS = 86_400_000;
const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.json$/;

/** Every date from `from` to `to` (YYYY-MM-DD), both included, oldest first. */
export function datesBetween(from: string, to: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  return Array.from({ length: Math.max(0, Math.round((end - start) / DAY_MS) + 1) }, (_, i) => new Date(start + i * DAY_MS).toISOString().slice(0, 10));
}

/** Days with a stored list, `feed/<date>.json`. */
export function storedDays(dataDir: string): Set<string> {
  const dir = feedDir(dataDir);
  if (!existsSync(dir)) return new Set();
  return new Set(readdirSync(dir).flatMap((name) => DAY_FILE.exec(name)?.[1] ?? []));
}

/**
 * Days that had no list (weekends, holidays), remembered in `backfill.json` so that a resumed backfill
 * does not ask for them again. Only settled days are remembered: a recent day may still get its list.
 */
const emptyDaysSchema = z.object({ version: z.literal(1), emptyDays: z.array(z.string()) });

function emptyDaysPath(dataDir: string): string {
  return join(dataDir, 'backfill.json');
}

export function readEmptyDays(dataDir: string): Set<string> {
  try {
    return new Set(emptyDaysSchema.parse(JSON.parse(readFileSync(emptyDaysPath(dataDir), 'utf8'))).emptyDays);
  } catch {
    // Missing or unreadable: asking for those days again is all it costs.
    return new Set();
  }
}

async function writeEmptyDays(dataDir: string, days: ReadonlySet<string>): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const path = confineWrite(emptyDaysPath(dataDir), dataDir);
  await writeFileAtomic(path, JSON.stringify({ version: 1, emptyDays: [...days].sort() }));
}

export interface BackfillPlan {
  /** Days to ask for, oldest first. */
  fetch: string[];
  /** Days already stored, or known to have had no list. */
  skipped: number;
}

/**
 * What a backfill over `dates` still has to fetch: every day not stored yet, except settled days known
 * to be empty. The last `settleDays` days up to `today` are always fetched again, as their lists (and
 * upvotes) still change.
 */
export function planBackfill(dates: readonly string[], stored: ReadonlySet<string>, empty: ReadonlySet<string>, today: string, settleDays: number): BackfillPlan {
  const fetch = dates.filter((date) => !isSettled(date, today, settleDays) || (!stored.has(date) && !empty.has(date)));
  return { fetch, skipped: dates.length - fetch.length };
}

/** Whether a day's list no longer changes: it is older than the last `settleDays` days up to `today`. */
export function isSettled(date: string, today: string, settleDays: number): boolean {
  return Date.parse(`${date}T00:00:00Z`) <= Date.parse(`${today}T00:00:00Z`) - settleDays * DAY_MS;
}

export interface BackfillOptions extends DailyClientOptions {
  /** Pause between two fetched days (HF_BACKFILL_DELAY_MS). */
  delayMs: number;
  today: string;
  /** Days up to today whose lists still change (REFRESH_DAYS). */
  settleDays: number;
  onProgress?: (progress: BuildProgress, date: string) => void;
}

export interface BackfillReport {
  days: DayReport[];
  skipped: number;
  /** Papers stored by this run. */
  papers: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Fetches and stores every day of `dates` not already stored, one at a time with a pause between
 * them. Each day is stored as it arrives, so an interrupted backfill resumes where it stopped; the
 * index is left to the caller, to be updated once at the end.
 */
export async function backfill(dates: readonly string[], dataDir: string, options: BackfillOptions): Promise<BackfillReport> {
  const empty = readEmptyDays(dataDir);
  const plan = planBackfill(dates, storedDays(dataDir), empty, options.today, options.settleDays);
  const days: DayReport[] = [];
  let papers = 0;
  options.onProgress?.({ phase: 'fetching', done: 0, total: plan.fetch.length }, plan.fetch[0] ?? '');
  for (const [i, date] of plan.fetch.entries()) {
    if (i > 0 && options.delayMs > 0) await sleep(options.delayMs);
    try {
      const day = await fetchDailyPapers(date, options);
      if (day.items.length) await saveDay(dataDir, day);
      else if (isSettled(date, options.today, options.settleDays)) {
        empty.add(date);
        await writeEmptyDays(dataDir, empty);
      }
      papers += day.items.length;
      days.push({ date, papers: day.items.length, skipped: day.problems.length });
    } catch (error) {
      days.push({ date, error: (error as Error).message });
    }
    options.onProgress?.({ phase: 'fetching', done: i + 1, total: plan.fetch.length }, date);
  }
  return { days, skipped: plan.skipped, papers };
}
