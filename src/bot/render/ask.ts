import { ButtonStyle, type APIEmbed } from 'discord-api-types/v10';
import type { Answer, AskHit, AskResult } from '../../engine/results.js';
import { encodeButton, questionHash } from '../custom-ids.js';
import { authorLine, linkLine } from './paper-parts.js';
import { button, COLORS, link, message, row, voteRows, type MessagePayload, type VoteCounts } from './payload.js';
import { escapeMarkdown, LIMITS, relevanceBar, truncate, unescapeMarkdown } from './text.js';

export const ASK_PAGE_SIZE = 5;
const QUESTION_PREFIX = '🔎 ';
const ANSWER_PREFIX = '💡 ';

/**
 * The answer line: each sentence followed by its citation, `[1]` linked to the cited paper, within
 * `room` characters. Sentences that do not fit are left out whole; only a first sentence too long on
 * its own is shortened.
 */
function answerLine(answer: Answer, hits: readonly AskHit[], room: number): string | undefined {
  let line = ANSWER_PREFIX;
  for (const sentence of answer.sentences) {
    const url = hits.find((hit) => hit.rank === sentence.rank && hit.id === sentence.id)?.url;
    if (!url) continue;
    const citation = `\\[${link(String(sentence.rank), url, { preview: false })}\\]`;
    const space = line === ANSWER_PREFIX ? '' : ' ';
    const text = escapeMarkdown(sentence.text);
    const fits = line.length + space.length + text.length + 1 + citation.length <= room;
    if (fits) line += `${space}${text} ${citation}`;
    else if (line === ANSWER_PREFIX) line += `${truncate(text, room - line.length - 1 - citation.length)} ${citation}`;
    else break;
  }
  return line === ANSWER_PREFIX || line.length > room ? undefined : line;
}

function hitEmbed(hit: AskHit, lowConfidence: boolean, votes: VoteCounts): APIEmbed {
  const summary = hit.summary.map((s) => (s.matched ? `**${escapeMarkdown(s.text)}**` : escapeMarkdown(s.text))).join(' ');
  const fields = [
    hit.date && { name: 'Date', value: hit.date, inline: true },
    authorLine(hit.authors) && { name: 'Authors', value: authorLine(hit.authors)!, inline: true },
    votes && { name: 'Votes', value: `👍 ${votes.get(hit.id) ?? 0}`, inline: true },
    { name: 'Links', value: linkLine(hit), inline: false },
  ].filter((f): f is { name: string; value: string; inline: boolean } => Boolean(f));
  return {
    title: `${hit.rank}. ${escapeMarkdown(hit.title)}`,
    url: hit.url,
    color: lowConfidence ? COLORS.muted : COLORS.brand,
    description: `${relevanceBar(hit.score)} relevance\n${summary}`,
    fields,
  };
}

export interface AskPage {
  result: AskResult;
  /** Results the asker wanted in all, paged ASK_PAGE_SIZE at a time. */
  total: number;
  votes?: VoteCounts;
  /** Asked with `has_code:true`: its pages keep the filter. */
  hasCode?: boolean;
}

/** The /ask reply: the question, one embed per paper, and buttons to page, read abstracts and find similar papers. */
export function renderAsk({ result, total, votes, hasCode }: AskPage): MessagePayload {
  const { offset, results } = result;
  const last = Math.min(total, offset + results.length);
  const lines = [`${QUESTION_PREFIX}${escapeMarkdown(result.query)}`];
  if (result.truncated) lines.push('-# Your question was long, so only its beginning was searched.');
  if (result.answer) {
    const room = LIMITS.content - lines.join('\n').length - 1;
    const answer = answerLine(result.answer, results, room);
    if (answer) lines.push(answer);
  }
  if (result.lowConfidence) {
    lines.push('⚠️ **No paper matches this question well**, so there is no answer. These are the closest leads, not answers.');
  }
  if (!results.length) lines.push('No results.');
  const embeds = results.map((hit) => hitEmbed(hit, result.lowConfidence, votes));
  const footer = `${results.length ? `${offset + 1}–${last} of ${total} · ` : ''}searched ${result.searched} papers${hasCode ? ' (only those with code)' : ''} in ${Math.round(result.tookMs)} ms`;
  if (embeds.length) embeds[embeds.length - 1]!.footer = { text: footer };
  else lines.push(`-# ${footer}`);

  const hash = questionHash(result.query);
  const hasNext = result.hasMore && last < total;
  const nav = row(
    button(encodeButton({ kind: 'ask', questionHash: hash, offset: Math.max(0, offset - ASK_PAGE_SIZE), total, hasCode }), '◀ Prev', { disabled: offset === 0 }),
    button(encodeButton({ kind: 'ask', questionHash: hash, offset: offset + ASK_PAGE_SIZE, total, hasCode }), 'Next ▶', { disabled: !hasNext }),
  );
  const abstracts = row(...results.map((hit) => button(encodeButton({ kind: 'abstract', paperId: hit.id }), `Abstract ${hit.rank}`, { style: ButtonStyle.Primary })));
  const similar = row(...results.map((hit) => button(encodeButton({ kind: 'similar', paperId: hit.id }), `Similar ${hit.rank}`)));
  const vote = voteRows(results, votes, (paperId) => encodeButton({ kind: 'vote', paperId }));
  return message({ content: lines.join('\n'), embeds, components: [...(total > ASK_PAGE_SIZE ? [nav] : []), abstracts, similar, ...vote] });
}

/** Recovers the question from an /ask reply, for its buttons; undefined if the message is not one. */
export function questionFromMessage(content: string): string | undefined {
  const first = content.split('\n')[0];
  return first?.startsWith(QUESTION_PREFIX) ? unescapeMarkdown(first.slice(QUESTION_PREFIX.length)) : undefined;
}
