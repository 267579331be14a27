/** The longest delay setTimeout holds: a longer one overflows and fires at once. */
export const TIMER_LIMIT_MS = 2 ** 31 - 1;

export interface RetryPolicy {
  /** First backoff; doubles each retry, with jitter. */
  minBackoffMs: number;
  /** No wait is longer, whatever the backoff or the server's Retry-After says (HF_RETRY_MAX_WAIT_SECONDS). */
  maxWaitMs: number;
}

/**
 * How long to wait before retry `retry` (1-based): exponential backoff with jitter (0..1), but never
 * before the server's Retry-After, and never longer than the cap. Undefined when Retry-After asks for
 * more than the cap: the caller gives up rather than hang.
 */
export function retryWaitMs(retry: number, policy: RetryPolicy, retryAfterMs: number | undefined, jitter = Math.random()): number | undefined {
  const capMs = Math.min(policy.maxWaitMs, TIMER_LIMIT_MS);
  if (retryAfterMs !== undefined && retryAfterMs > capMs) return undefined;
  const backoffMs = Math.round(policy.minBackoffMs * 2 ** (retry - 1) * (1 + jitter));
  return Math.min(Math.max(backoffMs, retryAfterMs ?? 0), capMs);
}

/** A retry about to be waited for. */
export interface RetryNotice {
  url: string;
  /** Why the last attempt failed, e.g. `HTTP 429`. */
  reason: string;
  /** Which retry this is (1-based), of `retries`. */
  retry: number;
  retries: number;
  waitMs: number;
  /** When the retry is sent. */
  at: Date;
}

/** A wait for people: `45 s`, `20 min`, `5 h`, `11.6 days` (rounded up below a day). */
export function formatWait(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 120 * 60) return `${Math.ceil(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${Math.ceil(seconds / 3600)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

/** `HTTP 429 from <url>; retry 1 of 4 in 30 s, at 06:00:31 UTC` */
export function formatRetryNotice(notice: RetryNotice): string {
  const time = notice.at.toISOString().slice(11, 19);
  return `${notice.reason} from ${notice.url}; retry ${notice.retry} of ${notice.retries} in ${formatWait(notice.waitMs)}, at ${time} UTC`;
}
