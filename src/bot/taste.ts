import type { BotContext } from './context.js';

/**
 * A server's taste, learned from every 👍 cast in it, and only there: one server's votes never reach
 * another's scores. Undefined while none of its votes is on an indexed paper. The digest ranks by it
 * after match strength; `/trending scope:server` breaks ties of votes with it.
 */
export function serverTaste(ctx: Pick<BotContext, 'engine' | 'votes'>, guildId: string): ((paperId: string) => number | undefined) | undefined {
  return ctx.engine.tasteScorer(ctx.votes.list(guildId).map((v) => v.paperId));
}

/** The papers a member upvoted in this server, most recent vote first. */
export function memberLikes(ctx: Pick<BotContext, 'votes'>, guildId: string, userId: string): string[] {
  return ctx.votes
    .list(guildId)
    .filter((v) => v.userId === userId)
    .sort((a, b) => b.at.localeCompare(a.at))
    .map((v) => v.paperId);
}

/** Most votes first; among equal votes, most to the server's taste. */
export function byVotesThenTaste<T extends { paperId: string; votes: number }>(items: readonly T[], taste: ((paperId: string) => number | undefined) | undefined): T[] {
  const score = (id: string) => taste?.(id) ?? -Infinity;
  return [...items].sort((a, b) => b.votes - a.votes || score(b.paperId) - score(a.paperId));
}

/** The digest's taste seam: each paper's score under its server's taste (none while the server has no usable votes). */
export function digestTaste(ctx: Pick<BotContext, 'engine' | 'votes'>): (guildId: string, paperIds: readonly string[]) => ReadonlyMap<string, number> {
  return (guildId, paperIds) => {
    const taste = serverTaste(ctx, guildId);
    return new Map(paperIds.flatMap((id) => (taste?.(id) === undefined ? [] : [[id, taste(id)!] as const])));
  };
}
