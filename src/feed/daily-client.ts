import pRetry, { AbortError } from 'p-retry';
import type { Logger } from '../log.js';
import { dailyItemSchema } from '../papers/hf-daily.js';
import type { SourceProblem } from '../papers/problems.js';
import { describeZodError } from '../util/zod-issues.js';

export interface DailyClientOptions {
  /** `https://huggingface.co`, or a compatible server (HF_API_BASE). */
  baseUrl: string;
  timeoutMs: number;
  retries: number;
  /** First backoff; doubles each retry, with jitter. A Retry-After header is always waited out too. */
  minBackoffMs: number;
  pageSize: number;
  /** A guard against a server that never stops paging. */
  maxPages: number;
  sort: 'trending' | 'publishedAt';
  log?: Logger;
}

export const DEFAULT_CLIENT_OPTIONS: Omit<DailyClientOptions, 'baseUrl'> = {
  timeoutMs: 15_000,
  retries: 4,
  minBackoffMs: 1000,
  pageSize: 100,
  maxPages: 20,
  sort: 'trending',
};

export class FetchError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One GET returning parsed JSON: times out, and retries timeouts, network errors, 429 and 5xx. */
async function getJson(url: string, options: DailyClientOptions): Promise<unknown> {
  return pRetry(
    async () => {
      let response: Response;
      try {
        response = await fetch(url, {
          headers: { accept: 'application/json', 'user-agent': 'paperscout' },
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        const timedOut = (error as Error).name === 'TimeoutError';
        throw new FetchError(timedOut ? `timed out after ${options.timeoutMs} ms` : `network error: ${(error as Error).message}`);
      }
      if (response.status === 429 || response.status >= 500) {
        await response.body?.cancel();
        throw new FetchError(`HTTP ${response.status}`, response.status, parseRetryAfter(response.headers.get('retry-after')));
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new AbortError(new FetchError(`HTTP ${response.status}`, response.status));
      }
      const text = await response.text();
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new FetchError(`malformed JSON (${text.length} bytes)`);
      }
    },
    {
      retries: options.retries,
      minTimeout: options.minBackoffMs,
      factor: 2,
      randomize: true,
      onFailedAttempt: async (error) => {
        const retryAfterMs = (error as unknown as FetchError).retryAfterMs;
        options.log?.warn({ url, attempt: error.attemptNumber, retriesLeft: error.retriesLeft, retryAfterMs }, `daily papers fetch failed: ${error.message}`);
        if (retryAfterMs && error.retriesLeft > 0) await sleep(retryAfterMs);
      },
    },
  );
}

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
