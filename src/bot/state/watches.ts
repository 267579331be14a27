import type { ExcerptSentence } from '../../engine/excerpt.js';
import type { StateDatabase } from './database.js';

/** A topic a member (by DM) or a channel (set by an admin) wants papers on. */
export interface Watch {
  id: number;
  guildId: string;
  /** Who added it; a DM watch is delivered to them. */
  userId: string;
  /** The channel whose digest it feeds; none for a member's own watch, delivered by DM. */
  channelId?: string;
  topic: string;
  createdAt: string;
}

/** A paper a watch matched, as it was matched when the paper was indexed. */
export interface WatchMatch {
  watchId: number;
  paperId: string;
  strength: number;
  /** The paper's sentence that matched the topic, marked (with its neighbour when it reads better). */
  excerpt: ExcerptSentence[];
  matchedAt: string;
  /** Whether a DM watch's match has been sent (channel watches are shown by the digest instead). */
  delivered: boolean;
}

interface WatchRow {
  id: number;
  guild_id: string;
  user_id: string;
  channel_id: string | null;
  topic: string;
  created_at: string;
}
interface MatchRow {
  watch_id: number;
  paper_id: string;
  strength: number;
  excerpt: string;
  matched_at: string;
  delivered: number;
}

const watchOf = (r: WatchRow): Watch => ({
  id: r.id,
  guildId: r.guild_id,
  userId: r.user_id,
  ...(r.channel_id !== null && { channelId: r.channel_id }),
  topic: r.topic,
  createdAt: r.created_at,
});
const matchOf = (r: MatchRow): WatchMatch => ({
  watchId: r.watch_id,
  paperId: r.paper_id,
  strength: r.strength,
  excerpt: JSON.parse(r.excerpt) as ExcerptSentence[],
  matchedAt: r.matched_at,
  delivered: r.delivered === 1,
});

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** Topic watches and the papers they matched. */
export class WatchStore {
  constructor(private readonly db: StateDatabase) {}

  add(watch: Omit<Watch, 'id'>): Watch {
    return this.db.change(() => {
      const { lastInsertRowid } = this.db.sql
        .prepare('INSERT INTO watches (guild_id, user_id, channel_id, topic, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(watch.guildId, watch.userId, watch.channelId ?? null, watch.topic, watch.createdAt);
      return { ...watch, id: Number(lastInsertRowid) };
    });
  }

  get(id: number): Watch | undefined {
    const row = this.db.sql.prepare('SELECT * FROM watches WHERE id = ?').get(id) as WatchRow | undefined;
    return row && watchOf(row);
  }

  /** Removes a watch and its matches. */
  remove(id: number): boolean {
    return this.db.change(() => this.db.sql.prepare('DELETE FROM watches WHERE id = ?').run(id).changes > 0);
  }

  /** Every watch of a server, oldest first. */
  inGuild(guildId: string): Watch[] {
    return (this.db.sql.prepare('SELECT * FROM watches WHERE guild_id = ? ORDER BY id').all(guildId) as WatchRow[]).map(watchOf);
  }

  all(): Watch[] {
    return (this.db.sql.prepare('SELECT * FROM watches ORDER BY id').all() as WatchRow[]).map(watchOf);
  }

  /**
   * Keeps the papers a matching run found, all in one transaction; a paper a watch already matched is
   * left as it was (so a DM is never sent twice). `delivered` false queues DM watches' matches for sending.
   */
  record(matches: readonly Omit<WatchMatch, 'delivered' | 'matchedAt'>[], matchedAt: string, delivered: (watchId: number) => boolean): number {
    if (!matches.length) return 0;
    return this.db.change(() => {
      const put = this.db.sql.prepare(
        'INSERT OR IGNORE INTO matches (watch_id, paper_id, strength, excerpt, matched_at, delivered) VALUES (?, ?, ?, ?, ?, ?)',
      );
      let added = 0;
      for (const m of matches) added += put.run(m.watchId, m.paperId, m.strength, JSON.stringify(m.excerpt), matchedAt, delivered(m.watchId) ? 1 : 0).changes;
      return added;
    });
  }

  /** The matches of these watches among these papers, strongest first. */
  matches(watchIds: readonly number[], paperIds: readonly string[]): WatchMatch[] {
    if (!watchIds.length || !paperIds.length) return [];
    const rows = this.db.sql
      .prepare(
        `SELECT * FROM matches WHERE watch_id IN (${placeholders(watchIds.length)}) AND paper_id IN (${placeholders(paperIds.length)})
         ORDER BY strength DESC, paper_id, watch_id`,
      )
      .all(...watchIds, ...paperIds) as MatchRow[];
    return rows.map(matchOf);
  }

  /** Whether any paper was ever matched against the watches (false on a new or just upgraded database). */
  hasWatchedPapers(): boolean {
    return this.db.sql.prepare('SELECT 1 FROM watched_papers LIMIT 1').get() !== undefined;
  }

  /** The papers among these that the watches have not been matched against yet, in the order given. */
  unwatched(paperIds: readonly string[]): string[] {
    const watched = new Set((this.db.sql.prepare('SELECT paper_id FROM watched_papers').all() as { paper_id: string }[]).map((r) => r.paper_id));
    return paperIds.filter((id) => !watched.has(id));
  }

  /** Records that the watches have been matched against these papers, in one transaction. */
  markWatched(paperIds: readonly string[]): void {
    if (!paperIds.length) return;
    this.db.change(() => {
      const put = this.db.sql.prepare('INSERT OR IGNORE INTO watched_papers (paper_id) VALUES (?)');
      for (const id of paperIds) put.run(id);
    });
  }

  /** Matches of DM watches not sent yet, oldest watch first. */
  undelivered(): WatchMatch[] {
    return (this.db.sql.prepare('SELECT * FROM matches WHERE delivered = 0 ORDER BY watch_id, strength DESC, paper_id').all() as MatchRow[]).map(matchOf);
  }

  /** Marks a watch's matches as sent (before sending: a crash must not DM the same papers twice). */
  markDelivered(watchId: number, paperIds: readonly string[]): void {
    if (!paperIds.length) return;
    this.db.change(() =>
      this.db.sql.prepare(`UPDATE matches SET delivered = 1 WHERE watch_id = ? AND paper_id IN (${placeholders(paperIds.length)})`).run(watchId, ...paperIds),
    );
  }
}
