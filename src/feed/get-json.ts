import pRetry, { AbortError } from 'p-retry';
import { FetchError } from '../errors.js';
import type { Logger } from '../log.js';
import { readBoundedText } from '../util/bounded-body.js';
import { formatRetryNotice, formatWait, retryWaitMs, type RetryNotice } from './retry.js';

/** How the Hugging Face API is asked: every wait and every body is bounded. */
export interface HttpOptions {
  /** `https://huggingface.co`, or a compatible server (HF_API_BASE). Redirects leave this origin only to be refused. */
  baseUrl: string;
  /** Per attempt, redirects and body included. */
  timeoutMs: number;
  retries: number;
  /** First backoff; doubles each retry, with jitter, and never undercuts a Retry-After. */
  minBackoffMs: number;
  /** The longest wait before a retry; a Retry-After asking for more fails the day (HF_RETRY_MAX_WAIT_SECONDS). */
  maxWaitMs: number;
  /** A larger body is refused, whether declared or read (HF_MAX_RESPONSE_MB). */
  maxResponseBytes: number;
  log?: Logger;
  /** What is fetched, for the log: `daily papers` unless said otherwise. */
  what?: string;
  /** Told before each wait for a retry, so a person can see what the command waits for. */
  onRetry?: (notice: RetryNotice) => void;
}

export const MB = 1024 * 1024;

/** Enough for a moved API; more means a loop. */
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);


/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const megabytes = (bytes: number) => `${Number((bytes / MB).toFixed(2))} MB`;

/** Not retried: the same request would get the same answer. */
const refuse = (message: string) => new AbortError(new FetchError(message));

/** GET `url`, following redirects only within `baseUrl`'s origin. */
async function get(url: string, options: HttpOptions, signal: AbortSignal): Promise<Response> {
  const origin = new URL(options.baseUrl).origin;
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    const response = await fetch(current, { headers: { accept: 'application/json', 'user-agent': 'paperscout' }, redirect: 'manual', signal });
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || !location) return response;
    await response.body?.cancel();
    const next = new URL(location, current);
    if (next.origin !== origin) {
      throw refuse(`refused a redirect from ${current.host} to ${next.host} (HTTP ${response.status} for ${current}); only redirects within ${origin} (HF_API_BASE) are followed`);
    }
    if (hop >= MAX_REDIRECTS) throw refuse(`more than ${MAX_REDIRECTS} redirects from ${url}`);
    current = next;
  }
}

/** The body as text, refused past `maxBytes` whether declared or read. */
async function readBody(response: Response, url: string, maxBytes: number): Promise<string> {
  const bound = `${megabytes(maxBytes)} (HF_MAX_RESPONSE_MB); refused`;
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw refuse(`response from ${url} declares ${declared} bytes, more than ${bound}`);
  }
  return readBoundedText(response, maxBytes, () => refuse(`response from ${url} is larger than ${bound}`));
}

/** One attempt: HTTP errors worth retrying (429, 5xx, timeouts, network, malformed JSON) throw a FetchError. */
async function attempt(url: string, options: HttpOptions): Promise<unknown> {
  try {
    const signal = AbortSignal.timeout(options.timeoutMs);
    const response = await get(url, options, signal);
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel();
      const header = response.headers.get('retry-after');
      const ms = parseRetryAfter(header);
      throw new FetchError(`HTTP ${response.status}`, response.status, header && ms !== undefined ? { header, ms } : undefined);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new AbortError(new FetchError(`HTTP ${response.status}`, response.status));
    }
    const text = await readBody(response, url, options.maxResponseBytes);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new FetchError(`malformed JSON (${text.length} bytes)`);
    }
  } catch (error) {
    if (error instanceof FetchError || error instanceof AbortError) throw error;
    const timedOut = (error as Error).name === 'TimeoutError';
    throw new FetchError(timedOut ? `timed out after ${options.timeoutMs} ms` : `network error: ${(error as Error).message}`);
  }
}

/** One GET returning parsed JSON, retried with capped, announced waits. */
export async function getJson(url: string, options: HttpOptions): Promise<unknown> {
  return pRetry(() => attempt(url, options), {
    retries: options.retries,
    // Every wait happens in onFailedAttempt, where it is capped and announced.
    minTimeout: 0,
    maxTimeout: 0,
    onFailedAttempt: async (error) => {
      const { retryAfter } = error as unknown as FetchError;
      const context = { url, attempt: error.attemptNumber, retriesLeft: error.retriesLeft, retryAfterMs: retryAfter?.ms };
      if (error.retriesLeft === 0) {
        options.log?.warn(context, `${options.what ?? 'daily papers'} fetch failed: ${error.message}`);
        return;
      }
      const retry = error.attemptNumber;
      const waitMs = retryWaitMs(retry, options, retryAfter?.ms);
      if (waitMs === undefined) {
        throw new FetchError(
          `${url} answered ${error.message} with Retry-After: ${retryAfter!.header} (a wait of ${formatWait(retryAfter!.ms)}), longer than HF_RETRY_MAX_WAIT_SECONDS=${Math.ceil(options.maxWaitMs / 1000)} allows; gave up on this day`,
        );
      }
      const notice: RetryNotice = { url, reason: error.message, retry, retries: options.retries, waitMs, at: new Date(Date.now() + waitMs) };
      options.log?.warn({ ...context, waitMs, at: notice.at.toISOString() }, `${options.what ?? 'daily papers'} fetch failed: ${formatRetryNotice(notice)}`);
      options.onRetry?.(notice);
      await sleep(waitMs);
    },
  });
}
