import type { APIEmbed } from 'discord-api-types/v10';
import type { ExcerptSentence } from '../../engine/excerpt.js';
import type { PaperCard } from '../../engine/results.js';
import { encodeButton } from '../custom-ids.js';
import { COLORS, message, voteRows, type MessagePayload, type VoteCounts } from './payload.js';
import { escapeMarkdown, truncate } from './text.js';

/** Papers per message: five embeds stay well inside the 6000 characters a message's embeds may hold. */
export const DIGEST_PAGE = 5;

/** A paper of the digest with what the reader is shown of why it is there. */
export interface DigestItem {
  card: PaperCard;
  topic: string;
  excerpt: ExcerptSentence[];
}

/** The sentence that matched in bold, its neighbour plain. */
export function markedExcerpt(excerpt: readonly ExcerptSentence[]): string {
  return excerpt.map((s) => (s.matched ? `**${escapeMarkdown(s.text)}**` : escapeMarkdown(s.text))).join(' ');
}

function paperEmbed(item: DigestItem, rank: number, votes: VoteCounts): APIEmbed {
  const upvotes = item.card.upvotes !== undefined ? ` · ▲ ${item.card.upvotes}` : '';
  const ours = votes ? ` · 👍 ${votes.get(item.card.id) ?? 0}` : '';
  return {
    title: truncate(`${rank}. ${item.card.title}`, 200),
    url: item.card.url,
    color: COLORS.brand,
    description: `🔭 Watch «${escapeMarkdown(truncate(item.topic, 100))}»${upvotes}${ours}\n> ${truncate(markedExcerpt(item.excerpt), 700)}`,
  };
}

/**
 * A channel's digest of one day: the first message in the channel, then the rest in pages of
 * DIGEST_PAGE (the caller sends them in a thread under the first). Every message is within limits.
 */
export function renderDigest(date: string, items: readonly DigestItem[], votes: VoteCounts): MessagePayload[] {
  const pages: MessagePayload[] = [];
  for (let start = 0; start < items.length; start += DIGEST_PAGE) {
    const page = items.slice(start, start + DIGEST_PAGE);
    const ranked = page.map((item, i) => ({ rank: start + i + 1, id: item.card.id }));
    const content =
      start === 0
        ? `📰 **Today's digest** (the list of ${date}): ${items.length} paper${items.length === 1 ? '' : 's'} matched this channel's watches.${items.length > DIGEST_PAGE ? ' More in the thread below.' : ''}`
        : `Papers ${start + 1}–${start + page.length} of ${items.length}`;
    pages.push(
      message({
        content,
        embeds: page.map((item, i) => paperEmbed(item, start + i + 1, votes)),
        components: voteRows(ranked, votes, (paperId) => encodeButton({ kind: 'vote', paperId })),
      }),
    );
  }
  return pages;
}

/** A day whose list matched none of the channel's watches: one line. */
export function renderNoMatch(date: string, topics: readonly string[]): MessagePayload {
  const named = topics.map((t) => `«${escapeMarkdown(truncate(t, 60))}»`).join(', ');
  return message({ content: `📭 No paper in the list of ${date} matched this channel's watches (${named}).` });
}

/** A DM to a member: papers that just arrived matching their watch. */
export function renderWatchDm(topic: string, items: readonly DigestItem[]): MessagePayload {
  const shown = items.slice(0, DIGEST_PAGE);
  const more = items.length - shown.length;
  return message({
    content: `🔭 New paper${items.length === 1 ? '' : 's'} for your watch «${escapeMarkdown(truncate(topic, 100))}»${more > 0 ? ` (the ${shown.length} strongest of ${items.length})` : ''}:`,
    embeds: shown.map((item, i) => paperEmbed(item, i + 1, undefined)),
  });
}
