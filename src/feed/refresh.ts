import type { FeedConfig } from '../config.js';
import type { Logger } from '../log.js';
import { DEFAULT_CLIENT_OPTIONS, fetchDailyPapers, type DailyClientOptions } from './daily-client.js';
import { saveDay } from './feed-store.js';

export interface DayReport {
  date: string;
  /** Papers stored for the day (absent when the fetch failed). */
  papers?: number;
  /** Malformed items skipped. */
  skipped?: number;
  error?: string;
}

/** `count` consecutive dates ending at `until` (YYYY-MM-DD), oldest first. */
export function recentDates(count: number, until: string): string[] {
  const end = Date.parse(`${until}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(end - (count - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}

/**
 * Fetches each day's list and stores it for the next reload. One day failing does not stop the
 * others, and never touches what is already stored for it.
 */
export async function fetchDays(dates: readonly string[], dataDir: string, options: DailyClientOptions & { log?: Logger }): Promise<DayReport[]> {
  const reports: DayReport[] = [];
  for (const date of dates) {
    try {
      const day = await fetchDailyPapers(date, options);
      if (day.items.length) await saveDay(dataDir, day);
      reports.push({ date, papers: day.items.length, skipped: day.problems.length });
    } catch (error) {
      const message = (error as Error).message;
      options.log?.warn({ date }, `could not fetch the daily papers: ${message}; what is indexed stays as it is`);
      reports.push({ date, error: message });
    }
  }
  return reports;
}

export function clientOptions(feed: FeedConfig, log?: Logger, onRetry?: DailyClientOptions['onRetry']): DailyClientOptions {
  return {
    ...DEFAULT_CLIENT_OPTIONS,
    baseUrl: feed.apiBase,
    timeoutMs: feed.timeoutMs,
    retries: feed.retries,
    maxWaitMs: feed.retryMaxWaitMs,
    maxResponseBytes: feed.maxResponseBytes,
    log,
    onRetry,
  };
}

export function formatDayReport(report: DayReport): string {
  if (report.error) return `${report.date}: failed (${report.error}); nothing changed`;
  if (!report.papers) return `${report.date}: no papers listed yet`;
  const skipped = report.skipped ? `, ${report.skipped} malformed item(s) skipped` : '';
  return `${report.date}: ${report.papers} papers${skipped}`;
}
