import type { Logger } from '../../log.js';
import { StateDatabase } from './database.js';

/** One 👍 of a member for a paper, in one server. */
export interface Vote {
  paperId: string;
  userId: string;
  /** When it was cast (ISO time). */
  at: string;
}

/** Votes are kept per server: one server's votes never change another's ranking. One vote per user per paper per server. */
export class VoteStore {
  constructor(private readonly db: StateDatabase) {}

  /** A store on its own connection to the state database in `dataDir` (the bot shares one: `BotState.open`). */
  static open(dataDir: string, log: Logger): VoteStore {
    return new VoteStore(StateDatabase.open(dataDir, log));
  }

  /** Casts the user's vote, or takes it back if already cast. */
  async toggle(guildId: string, userId: string, paperId: string, now: Date): Promise<{ voted: boolean; count: number }> {
    const sql = this.db.sql;
    return this.db.change(() => {
      const removed = sql.prepare('DELETE FROM votes WHERE guild_id = ? AND paper_id = ? AND user_id = ?').run(guildId, paperId, userId).changes > 0;
      if (!removed) sql.prepare('INSERT INTO votes (guild_id, paper_id, user_id, at) VALUES (?, ?, ?, ?)').run(guildId, paperId, userId, now.toISOString());
      return { voted: !removed, count: this.count(guildId, paperId) };
    });
  }

  count(guildId: string, paperId: string): number {
    return (this.db.sql.prepare('SELECT count(*) AS n FROM votes WHERE guild_id = ? AND paper_id = ?').get(guildId, paperId) as { n: number }).n;
  }

  counts(guildId: string | null, paperIds: readonly string[]): Map<string, number> {
    return new Map(paperIds.map((id) => [id, guildId ? this.count(guildId, id) : 0]));
  }

  /** Papers ranked by this server's votes cast since `since`, most first (ties: most recent vote first). */
  top(guildId: string, since: Date, limit: number): { paperId: string; votes: number }[] {
    const rows = this.db.sql
      .prepare(
        `SELECT paper_id, count(*) AS votes FROM votes WHERE guild_id = ? AND at >= ?
         GROUP BY paper_id ORDER BY votes DESC, max(at) DESC, paper_id LIMIT ?`,
      )
      .all(guildId, since.toISOString(), limit) as { paper_id: string; votes: number }[];
    return rows.map((r) => ({ paperId: r.paper_id, votes: r.votes }));
  }

  /** Every vote cast in this server, oldest first. */
  list(guildId: string): Vote[] {
    const rows = this.db.sql.prepare('SELECT paper_id, user_id, at FROM votes WHERE guild_id = ? ORDER BY at, paper_id, user_id').all(guildId) as {
      paper_id: string;
      user_id: string;
      at: string;
    }[];
    return rows.map((r) => ({ paperId: r.paper_id, userId: r.user_id, at: r.at }));
  }

  /** Each change is on disk when it returns; kept so that callers may still wait for the store. */
  flush(): Promise<void> {
    return Promise.resolve();
  }
}
