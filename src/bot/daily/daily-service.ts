import { DiscordAPIError, PermissionFlagsBits, RESTJSONErrorCodes, type Client, type SendableChannels } from 'discord.js';
import type { FeedConfig } from '../../config.js';
import { ReloadInProgressError, type Engine } from '../../engine/engine.js';
import { clientOptions, fetchDays, recentDates } from '../../feed/refresh.js';
import type { Logger } from '../../log.js';
import type { BotState, Subscription } from '../state/bot-state.js';
import { isDailyDue, localTime } from '../../util/local-time.js';
import type { TasteScorer } from './digest.js';
import { composeDigest, sendPages } from './digest-post.js';
import type { WatchService } from './watch-service.js';

const REQUIRED = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.EmbedLinks];
const PERMISSION_NAMES = new Map<bigint, string>([
  [PermissionFlagsBits.ViewChannel, 'View Channel'],
  [PermissionFlagsBits.SendMessages, 'Send Messages'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
]);
/** After a failed refresh, wait this long before trying again, not every minute. */
export const REFRESH_RETRY_MS = 15 * 60_000;
const PERMANENT_CODES = new Set<number>([RESTJSONErrorCodes.MissingAccess, RESTJSONErrorCodes.MissingPermissions, RESTJSONErrorCodes.UnknownChannel]);

/** Names of the permissions the bot lacks to post in a channel (empty when it can). */
export function missingPermissions(channel: unknown, client: Client): string[] {
  const permissionsFor = (channel as { permissionsFor?: (user: unknown) => { has(p: bigint): boolean } | null }).permissionsFor;
  if (!permissionsFor || !client.user) return [];
  const permissions = permissionsFor.call(channel, client.user);
  if (!permissions) return [...PERMISSION_NAMES.values()];
  return REQUIRED.filter((p) => !permissions.has(p)).map((p) => PERMISSION_NAMES.get(p)!);
}

class CannotPost extends Error {}

export interface DailyServiceDeps {
  client: Client;
  engine: Engine;
  state: BotState;
  watches: WatchService;
  taste?: TasteScorer;
  feed: FeedConfig;
  dataDir: string;
  log: Logger;
  now: () => number;
}

/**
 * The bot's daily routine: fetch the new lists at the refresh time and update the index (queries
 * keep being answered meanwhile), then post each subscribed server's list at its time, once a day.
 */
export class DailyService {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private refreshRetryAt = 0;
  private readonly stopping = new AbortController();
  private readonly stopped = new Promise<undefined>((resolve) => this.stopping.signal.addEventListener('abort', () => resolve(undefined)));

  constructor(private readonly deps: DailyServiceDeps) {}

  /** Checks every interval; the first check runs now, so anything missed while down happens once. */
  start(intervalMs = 60_000): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  /** Ends the routine: a fetch in flight is abandoned (each day is written atomically), a post in flight finishes. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    await this.running;
  }

  /** One check of everything that is due. Overlapping calls share the run in progress. */
  tick(): Promise<void> {
    this.running ??= this.runDue()
      .catch((error: unknown) => this.deps.log.error({ err: error }, 'daily routine failed'))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async runDue(): Promise<void> {
    const { state, feed } = this.deps;
    const now = this.deps.now();
    if (now >= this.refreshRetryAt && isDailyDue(state.refresh.lastRunOn, feed.refreshTime, feed.timezone, now)) {
      await this.refresh(now);
    }
    for (const [guildId, subscription] of state.subscriptions.all()) {
      if (this.stopping.signal.aborted) return;
      if (isDailyDue(subscription.lastPostedOn, subscription.time, subscription.timezone, now)) await this.post(guildId, subscription, now);
    }
  }

  private async refresh(now: number): Promise<void> {
    const { watches, feed, dataDir, log, state } = this.deps;
    const today = localTime(now, feed.timezone).date;
    const dates = recentDates(feed.refreshDays, today);
    // The HF server may be slow or retrying for minutes: a stop does not wait for it.
    const reports = this.stopping.signal.aborted ? undefined : await Promise.race([fetchDays(dates, dataDir, clientOptions(feed, log)), this.stopped]);
    // Stopped while the last day came in: no reload starts after the stop has cancelled the one in flight.
    if (!reports || this.stopping.signal.aborted) return void log.info({ dates }, 'daily refresh abandoned: the bot is stopping');
    if (reports.every((r) => r.error)) {
      this.refreshRetryAt = now + REFRESH_RETRY_MS;
      log.warn({ dates }, 'daily refresh failed; the index is unchanged and it will be retried later');
      return;
    }
    try {
      const report = await watches.reload();
      log.info({ dates, added: report.added, refreshed: report.refreshed, papers: report.count }, 'daily refresh done');
    } catch (error) {
      this.refreshRetryAt = now + (error instanceof ReloadInProgressError ? 60_000 : REFRESH_RETRY_MS);
      log.warn({ err: error }, 'daily refresh could not update the index; it will be retried');
      return;
    }
    state.refresh.ranOn(today);
  }

  private async post(guildId: string, subscription: Subscription, now: number): Promise<void> {
    const { state, log, client } = this.deps;
    const today = localTime(now, subscription.timezone).date;
    const previous = subscription.lastPostedOn;
    // Marked before sending: a crash after sending must not post the same list twice.
    state.subscriptions.mark(guildId, { lastPostedOn: today });
    const post = composeDigest(this.deps, guildId, subscription.channelId, subscription);
    if (!post.date || post.date === subscription.lastPostedList) {
      log.info({ guildId, list: post.date }, 'no new daily list to post');
      return;
    }
    try {
      if (post.pages.length) {
        const channel = await client.channels.fetch(subscription.channelId).catch((error: unknown) => {
          if (error instanceof DiscordAPIError && PERMANENT_CODES.has(Number(error.code))) throw new CannotPost('the channel is gone or hidden from the bot');
          throw error;
        });
        if (!channel?.isSendable()) throw new CannotPost('the channel is gone or is not a text channel');
        const missing = missingPermissions(channel, client);
        if (missing.length) throw new CannotPost(`the bot lacks ${missing.join(', ')} there`);
        await sendPages(channel as SendableChannels, post.pages, `Digest · ${post.date}`, log);
      }
      state.subscriptions.mark(guildId, { lastPostedList: post.date, lastError: null });
      log.info({ guildId, channelId: subscription.channelId, list: post.date, messages: post.pages.length }, post.pages.length ? 'posted the daily list' : 'skipped a day without a match, as the admin chose');
    } catch (error) {
      const permanent = error instanceof CannotPost || (error instanceof DiscordAPIError && PERMANENT_CODES.has(Number(error.code)));
      const reason = error instanceof CannotPost ? error.message : (error as Error).message;
      // A passing failure: try again on the next check.
      state.subscriptions.mark(guildId, permanent ? { lastError: reason } : { lastPostedOn: previous ?? null });
      log.warn(
        { guildId, channelId: subscription.channelId, subscribedBy: subscription.subscribedBy, permanent },
        permanent
          ? `cannot post the daily list: ${reason}. The admin who subscribed (user ${subscription.subscribedBy}) should fix the channel permissions or run /subscribe again`
          : `posting the daily list failed (${reason}); will retry`,
      );
    }
  }
}
