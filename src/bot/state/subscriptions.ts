import type { StateDatabase } from './database.js';

/** A server's daily post. */
export interface Subscription {
  channelId: string;
  /** HH:MM in `timezone`. */
  time: string;
  timezone: string;
  limit: number;
  subscribedBy: string;
  createdAt: string;
  /** Local day (in `timezone`) of the last post, or the day of subscribing when its time had passed. */
  lastPostedOn?: string;
  /** The list day last posted, so the same list is not posted twice. */
  lastPostedList?: string;
  lastError?: string;
  /** On a day when no paper matches the channel's watches, post nothing (instead of one line saying so). */
  skipEmpty: boolean;
}

/** What the daily routine records of a post; null clears a field. */
export type PostMarks = Partial<Record<'lastPostedOn' | 'lastPostedList' | 'lastError', string | null>>;

const MARK_COLUMNS = { lastPostedOn: 'last_posted_on', lastPostedList: 'last_posted_list', lastError: 'last_error' } as const;

interface Row {
  guild_id: string;
  channel_id: string;
  time: string;
  timezone: string;
  post_limit: number;
  subscribed_by: string;
  created_at: string;
  last_posted_on: string | null;
  last_posted_list: string | null;
  last_error: string | null;
  skip_empty: number;
}

function subscriptionOf(row: Row): Subscription {
  return {
    channelId: row.channel_id,
    time: row.time,
    timezone: row.timezone,
    limit: row.post_limit,
    subscribedBy: row.subscribed_by,
    createdAt: row.created_at,
    ...(row.last_posted_on !== null && { lastPostedOn: row.last_posted_on }),
    ...(row.last_posted_list !== null && { lastPostedList: row.last_posted_list }),
    ...(row.last_error !== null && { lastError: row.last_error }),
    skipEmpty: row.skip_empty === 1,
  };
}

/** One daily post per server. */
export class SubscriptionStore {
  constructor(private readonly db: StateDatabase) {}

  get(guildId: string): Subscription | undefined {
    const row = this.db.sql.prepare('SELECT * FROM subscriptions WHERE guild_id = ?').get(guildId) as Row | undefined;
    return row && subscriptionOf(row);
  }

  /** Every server's subscription, by server id. */
  all(): Map<string, Subscription> {
    const rows = this.db.sql.prepare('SELECT * FROM subscriptions ORDER BY guild_id').all() as Row[];
    return new Map(rows.map((row) => [row.guild_id, subscriptionOf(row)]));
  }

  /** Sets the server's subscription, replacing any it had. */
  put(guildId: string, s: Subscription): void {
    this.db.change(() =>
      this.db.sql
        .prepare(
          `INSERT OR REPLACE INTO subscriptions (guild_id, channel_id, time, timezone, post_limit, subscribed_by, created_at, last_posted_on, last_posted_list, last_error, skip_empty)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(guildId, s.channelId, s.time, s.timezone, s.limit, s.subscribedBy, s.createdAt, s.lastPostedOn ?? null, s.lastPostedList ?? null, s.lastError ?? null, s.skipEmpty ? 1 : 0),
    );
  }

  /** Records what happened to a post; a server that unsubscribed meanwhile is left alone. */
  mark(guildId: string, marks: PostMarks): void {
    const fields = Object.entries(marks) as [keyof PostMarks, string | null][];
    if (!fields.length) return;
    const set = fields.map(([field]) => `${MARK_COLUMNS[field]} = ?`).join(', ');
    this.db.change(() => this.db.sql.prepare(`UPDATE subscriptions SET ${set} WHERE guild_id = ?`).run(...fields.map(([, value]) => value), guildId));
  }

  /** Removes the server's subscription; returns what it was. */
  remove(guildId: string): Subscription | undefined {
    return this.db.change(() => {
      const existing = this.get(guildId);
      this.db.sql.prepare('DELETE FROM subscriptions WHERE guild_id = ?').run(guildId);
      return existing;
    });
  }
}
