import type { PaperCard, PaperDetail, SimilarHit, TrendingResult } from '../../engine/results.js';
import { encodeButton } from '../custom-ids.js';
import { authorLine, linkLine, listBody } from './paper-parts.js';
import { button, COLORS, link, message, row, voteRows, type MessagePayload, type VoteCounts } from './payload.js';
import { codeField, resourceFields, resourcesNote, type ResourcesShown } from './resources.js';
import { escapeMarkdown, LIMITS, truncate } from './text.js';

/** Room for a list in one embed: its description limit, less what the title and footer take of the total. */
const LIST_BUDGET = Math.min(LIMITS.embedDescription, LIMITS.embedsTotal - LIMITS.embedTitle - 200);

const voteButton = (paperId: string) => encodeButton({ kind: 'vote', paperId });
const voteNote = (votes: VoteCounts, id: string) => (votes ? `👍 ${votes.get(id) ?? 0}` : undefined);

/** `/trending`: a day's ranked list, one line per paper, with buttons to page through it and vote. */
export function renderTrending(result: TrendingResult, limit: number, votes?: VoteCounts): MessagePayload {
  if (!result.date) return message({ content: 'No daily lists are indexed yet. An admin can add one with `/reload`.' });
  if (!result.items.length) {
    const recent = result.days.slice(0, 5).join(', ');
    return message({ content: `No papers are listed for ${result.date}.${recent ? ` Days with lists: ${recent}.` : ''}` });
  }
  const description = listBody(
    result.items.map((item) => ({ rank: item.rank, card: item, note: item.tldr, extra: voteNote(votes, item.id) })),
    LIST_BUDGET,
  );
  const shown = `${result.offset + 1}–${result.offset + result.items.length} of ${result.total}`;
  const ranking = result.items.some((i) => i.upvotes !== undefined) ? 'ranked by upvotes' : 'in list order';
  const nav = row(
    button(encodeButton({ kind: 'trending', date: result.date, offset: Math.max(0, result.offset - limit), limit }), '◀ Prev', { disabled: result.offset === 0 }),
    button(encodeButton({ kind: 'trending', date: result.date, offset: result.offset + limit, limit }), 'Next ▶', {
      disabled: result.offset + result.items.length >= result.total,
    }),
  );
  return message({
    embeds: [
      {
        title: `Daily papers · ${result.date}`,
        url: `https://huggingface.co/papers?date=${result.date}`,
        color: COLORS.brand,
        description,
        footer: { text: `${shown} · ${ranking}` },
      },
    ],
    components: [nav, ...voteRows(result.items, votes, voteButton)],
  });
}

/** A server's daily post: the day's list, introduced. */
export function renderDailyPost(result: TrendingResult, limit: number, votes: VoteCounts): MessagePayload {
  const list = renderTrending(result, limit, votes);
  return { ...list, content: `📰 **Today's papers** (the list of ${result.date}). Vote with 👍 on the ones worth reading.` };
}

/** `/trending scope:server`: papers ranked by this server's votes. */
export function renderServerTrending(items: readonly (PaperCard & { tldr: string; votes: number })[], days: number, votes: VoteCounts): MessagePayload {
  if (!items.length) {
    return message({ content: `No votes in this server in the last ${days} day(s). Vote with 👍 under /ask, /paper or /trending results.` });
  }
  const ranked = items.map((item, i) => ({ ...item, rank: i + 1 }));
  return message({
    embeds: [
      {
        title: `Top papers in this server · last ${days} day(s)`,
        color: COLORS.brand,
        description: listBody(
          ranked.map((item) => ({ rank: item.rank, card: item, note: item.tldr, extra: `👍 ${item.votes}` })),
          LIST_BUDGET,
        ),
        footer: { text: "ranked by votes from this server only, ties by this server's taste" },
      },
    ],
    components: voteRows(ranked, votes, voteButton),
  });
}

/** Nearest neighbours of a paper, one line each with its similarity. */
export function renderSimilar(paper: { title: string; url: string }, results: readonly SimilarHit[]): MessagePayload {
  const description = listBody(
    results.map((hit) => ({ rank: hit.rank, card: hit, note: hit.tldr, extra: `${Math.round(hit.similarity * 100)}% similar` })),
    LIST_BUDGET,
  );
  return message({
    embeds: [
      {
        title: truncate(`Papers like “${escapeMarkdown(paper.title)}”`, LIMITS.embedTitle),
        url: paper.url,
        color: COLORS.brand,
        description: description || 'No other papers are indexed yet.',
      },
    ],
    components: [row(...results.map((hit) => button(encodeButton({ kind: 'abstract', paperId: hit.id }), `Abstract ${hit.rank}`)))],
  });
}

/** One paper in full: abstract, links, dates, authors, votes, the three most similar papers and what cites it on the Hub. */
export function renderPaper(paper: PaperDetail, votes?: VoteCounts, resources?: ResourcesShown): MessagePayload {
  const similar = paper.similar.map((s) => `${s.rank}. ${link(escapeMarkdown(truncate(s.title, 120)), s.url)}`).join('\n');
  const listed = paper.listings.map((l) => `${l.date} (#${l.rank})`).join(', ');
  const fields = [
    { name: 'Links', value: linkLine(paper) },
    codeField(paper.links),
    paper.date && { name: 'Date', value: paper.date, inline: true },
    paper.upvotes !== undefined && { name: 'Upvotes', value: `▲ ${paper.upvotes}`, inline: true },
    votes && { name: 'Votes in this server', value: `👍 ${votes.get(paper.id) ?? 0}`, inline: true },
    listed && { name: 'On the daily list', value: listed, inline: true },
    authorLine(paper.authors, 12) && { name: 'Authors', value: authorLine(paper.authors, 12)! },
    similar && { name: 'Similar papers', value: similar },
    ...resourceFields(resources, paper.links.huggingFace),
  ].filter((f): f is { name: string; value: string; inline?: boolean } => Boolean(f));
  const note = resourcesNote(resources);
  return message({
    embeds: [
      {
        title: escapeMarkdown(paper.title),
        url: paper.url,
        color: COLORS.brand,
        description: escapeMarkdown(paper.abstract),
        fields,
        footer: { text: note ? `${paper.id} · ${note}` : paper.id },
      },
    ],
    components: [
      row(
        button(encodeButton({ kind: 'similar', paperId: paper.id }), 'More similar papers'),
        ...(votes ? [button(voteButton(paper.id), '👍 Vote')] : []),
      ),
    ],
  });
}

/** The full abstract, shown only to whoever asked for it. */
export function renderAbstract(paper: PaperDetail): MessagePayload {
  return message({
    embeds: [
      {
        title: escapeMarkdown(paper.title),
        url: paper.url,
        color: COLORS.brand,
        description: escapeMarkdown(paper.abstract),
        fields: [{ name: 'Links', value: linkLine(paper) }],
      },
    ],
  });
}
