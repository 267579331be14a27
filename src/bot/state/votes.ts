import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../log.js';
import { JsonStore } from './json-store.js';

/** guild → paper → user → when the vote was cast (ISO time). One vote per user per paper per server. */
const votesSchema = z.object({
  version: z.literal(1),
  guilds: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.string()))),
});

export type VoteFile = z.infer<typeof votesSchema>;

/** Votes are kept per server: one server's votes never change another's ranking. */
export class VoteStore {
  private constructor(private readonly store: JsonStore<VoteFile>) {}

  static open(dataDir: string, log: Logger): VoteStore {
    return new VoteStore(JsonStore.open(dataDir, join('bot', 'votes.json'), votesSchema, () => ({ version: 1 as const, guilds: {} }), log));
  }

  /** Casts the user's vote, or takes it back if already cast. */
  async toggle(guildId: string, userId: string, paperId: string, now: Date): Promise<{ voted: boolean; count: number }> {
    const voted = !this.store.current.guilds[guildId]?.[paperId]?.[userId];
    await this.store.update((file) => {
      const papers = (file.guilds[guildId] ??= {});
      const voters = (papers[paperId] ??= {});
      if (voted) voters[userId] = now.toISOString();
      else {
        delete voters[userId];
        if (!Object.keys(voters).length) delete papers[paperId];
      }
    });
    return { voted, count: this.count(guildId, paperId) };
  }

  count(guildId: string, paperId: string): number {
    return Object.keys(this.store.current.guilds[guildId]?.[paperId] ?? {}).length;
  }

  counts(guildId: string | null, paperIds: readonly string[]): Map<string, number> {
    return new Map(paperIds.map((id) => [id, guildId ? this.count(guildId, id) : 0]));
  }

  /** Papers ranked by this server's votes cast since `since`, most first (ties: most recent vote first). */
  top(guildId: string, since: Date, limit: number): { paperId: string; votes: number }[] {
    const cutoff = since.toISOString();
    return Object.entries(this.store.current.guilds[guildId] ?? {})
      .map(([paperId, voters]) => {
        const times = Object.values(voters).filter((t) => t >= cutoff);
        return { paperId, votes: times.length, latest: times.sort().at(-1) ?? '' };
      })
      .filter((p) => p.votes > 0)
      .sort((a, b) => b.votes - a.votes || b.latest.localeCompare(a.latest) || a.paperId.localeCompare(b.paperId))
      .slice(0, limit)
      .map(({ paperId, votes }) => ({ paperId, votes }));
  }

  /** Every vote cast in this server: who voted for which paper, and when (ISO time). */
  list(guildId: string): { paperId: string; userId: string; at: string }[] {
    return Object.entries(this.store.current.guilds[guildId] ?? {}).flatMap(([paperId, voters]) =>
      Object.entries(voters).map(([userId, at]) => ({ paperId, userId, at })),
    );
  }

  flush(): Promise<void> {
    return this.store.flush();
  }
}
