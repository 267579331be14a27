import type { Message, SendableChannels } from 'discord.js';
import type { Engine } from '../../engine/engine.js';
import type { Logger } from '../../log.js';
import { renderDigest, renderNoMatch } from '../render/digest.js';
import { renderDailyPost } from '../render/lists.js';
import type { MessagePayload } from '../render/payload.js';
import type { BotState } from '../state/bot-state.js';
import { rankDigest, type TasteScorer } from './digest.js';

export interface DigestSources {
  engine: Engine;
  state: BotState;
  /** The server's learned taste, when there is one; the digest ranks by it after match strength. */
  taste?: TasteScorer;
}

/** The messages of a channel's post for a day; none when the admin chose to skip a day without a match. */
export interface DigestPost {
  /** The list day, or undefined when no list is indexed. */
  date?: string;
  pages: MessagePayload[];
}

/**
 * A channel's digest for the latest indexed day: with watches, the papers they matched (at most
 * `limit`, strongest first), or one line when none did; without watches, the day's list as before.
 */
export function composeDigest(sources: DigestSources, guildId: string, channelId: string, options: { limit: number; skipEmpty: boolean }): DigestPost {
  const { engine, state, taste } = sources;
  const listing = engine.listing();
  if (!listing.date) return { pages: [] };
  const watches = state.watches.inGuild(guildId).filter((w) => w.channelId === channelId);
  if (!watches.length) {
    const list = engine.trending({ date: listing.date, limit: options.limit });
    return { date: listing.date, pages: [renderDailyPost(list, options.limit, state.votes.counts(guildId, list.items.map((i) => i.id)))] };
  }
  const matches = state.watches.matches(
    watches.map((w) => w.id),
    listing.ids,
  );
  const matchedIds = [...new Set(matches.map((m) => m.paperId))];
  const votes = state.votes.counts(guildId, matchedIds);
  const ranked = rankDigest(matches, new Map(watches.map((w) => [w.id, w.topic])), taste?.(guildId, matchedIds) ?? new Map(), votes).slice(0, options.limit);
  if (!ranked.length) return { date: listing.date, pages: options.skipEmpty ? [] : [renderNoMatch(listing.date, watches.map((w) => w.topic))] };
  const cards = new Map(engine.cards(ranked.map((e) => e.paperId)).map((c) => [c.id, c]));
  const items = ranked.flatMap((e) => {
    const card = cards.get(e.paperId);
    return card ? [{ card, topic: e.topic, excerpt: e.excerpt }] : [];
  });
  return { date: listing.date, pages: renderDigest(listing.date, items, votes) };
}

/**
 * Sends a post: the first page in the channel, the rest in a thread under it. Where a thread cannot
 * be started (no permission, or a channel without threads), the rest follow in the channel.
 */
export async function sendPages(channel: SendableChannels, pages: readonly MessagePayload[], threadName: string, log: Logger): Promise<Message | undefined> {
  const [first, ...rest] = pages;
  if (!first) return undefined;
  const head = await channel.send(first);
  if (!rest.length) return head;
  let target: { send(page: MessagePayload): Promise<unknown> } = channel;
  try {
    target = await head.startThread({ name: threadName });
  } catch (error) {
    log.warn({ err: error, channelId: channel.id }, 'could not start a thread for the rest of a digest; posting it in the channel');
  }
  for (const page of rest) await target.send(page);
  return head;
}
