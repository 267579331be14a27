import type { Recommendation } from '../../engine/results.js';
import { encodeButton } from '../custom-ids.js';
import { listBody } from './paper-parts.js';
import { COLORS, message, voteRows, type MessagePayload, type VoteCounts } from './payload.js';
import { LIMITS, truncate } from './text.js';

const LIST_BUDGET = Math.min(LIMITS.embedDescription, LIMITS.embedsTotal - LIMITS.embedTitle - 200);
const LIKED_TITLE_CHARS = 80;

/** `/recommend`: papers like the member's upvoted ones, each saying which one it is like. */
export function renderRecommend(items: readonly Recommendation[], days: number, votes: VoteCounts, likedCount: number): MessagePayload {
  if (!likedCount) {
    return message({ content: "You have not upvoted any paper in this server yet. Vote with 👍 under /ask, /paper or /trending, and /recommend will find papers like them." });
  }
  if (!items.length) return message({ content: `No new papers in the last ${days} day(s) of lists to recommend from. Try a longer \`days:\`.` });
  const description = listBody(
    items.map((item) => ({ rank: item.rank, card: item, note: `like «${truncate(item.like.title, LIKED_TITLE_CHARS)}», which you upvoted. ${item.tldr}` })),
    LIST_BUDGET,
  );
  return message({
    embeds: [
      {
        title: `Recommended for you · last ${days} day(s)`,
        color: COLORS.brand,
        description,
        footer: { text: `learned from your ${likedCount} upvote(s) in this server only` },
      },
    ],
    components: voteRows(items, votes, (paperId) => encodeButton({ kind: 'vote', paperId })),
  });
}
