import { dailyItemSchema } from '../papers/hf-daily.js';
import type { SourceProblem } from '../papers/problems.js';
import { FetchError } from '../errors.js';
import { getJson, MB, type HttpOptions } from './get-json.js';
import { describeZodError } from '../util/zod-issues.js';

export interface DailyClientOptions extends HttpOptions {
  pageSize: number;
  /** A guard against a server that never stops paging. */
  maxPages: number;
  sort: 'trending' | 'publishedAt';
}

export const DEFAULT_CLIENT_OPTIONS: Omit<DailyClientOptions, 'baseUrl'> = {
  timeoutMs: 15_000,
  retries: 4,
  minBackoffMs: 1000,
  maxWaitMs: 120_000,
  maxResponseBytes: 50 * MB,
  pageSize: 100,
  maxPages: 20,
  sort: 'trending',
};

export interface FetchedDay {
  date: string;
  /** Valid items, in the order the API listed them (all pages). */
  items: unknown[];
  problems: SourceProblem[];
}

/**
 * Every item of one day's list, page by page until a short page. Malformed items are skipped with
 * a warning; a page that cannot be fetched fails the whole day, so a partial list is never stored.
 */
export async function fetchDailyPapers(date: string, options: DailyClientOptions): Promise<FetchedDay> {
  const items: unknown[] = [];
  const problems: SourceProblem[] = [];
  const source = `${options.baseUrl}/api/daily_papers?date=${date}`;
  for (let page = 0; page < options.maxPages; page++) {
    const url = new URL('/api/daily_papers', options.baseUrl);
    url.search = new URLSearchParams({ date, limit: String(options.pageSize), p: String(page), sort: options.sort }).toString();
    const json = await getJson(url.toString(), options);
    if (!Array.isArray(json)) throw new FetchError(`expected a JSON array from ${url}, got ${typeof json}`);
    json.forEach((raw, index) => {
      const parsed = dailyItemSchema.safeParse(raw);
      if (parsed.success) items.push(raw);
      else {
        const problem = { source, location: `page ${page}, item ${index + 1}`, message: describeZodError(parsed.error, 'item') };
        problems.push(problem);
        options.log?.warn({ source, location: problem.location }, `skipped a malformed daily-papers item: ${problem.message}`);
      }
    });
    if (json.length < options.pageSize) return { date, items, problems };
  }
  options.log?.warn({ date, pages: options.maxPages }, 'daily papers kept paging; stopped at the page limit');
  return { date, items, problems };
}
