import { ButtonStyle, type APIEmbed } from 'discord-api-types/v10';
import type { GeneratedAnswer } from '../../engine/generated-answer.js';
import type { Answer, AskHit, AskResult } from '../../engine/results.js';
import { encodeButton, turnsHash } from '../custom-ids.js';
import { citationLink, generatedAnswerLines } from './generated-answer.js';
import { authorLine, linkLine } from './paper-parts.js';
import { button, COLORS, message, row, voteRows, type MessagePayload, type VoteCounts } from './payload.js';
import { escapeMarkdown, LIMITS, relevanceBar, truncate, unescapeMarkdown } from './text.js';

export const ASK_PAGE_SIZE = 5;
const QUESTION_PREFIX = '🔎 ';
const FOLLOW_UP_PREFIX = '↳ ';
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
    const citation = citationLink(sentence.rank, url);
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
  /** The user's own model's answer, shown in place of the extractive one when it fits (ANSWER_LLM_URL). */
  generated?: GeneratedAnswer;
  /** Whether the channel sees the reply (default true); a follow-up of it is shown the same way. */
  isPublic?: boolean;
  /** Asked with `has_code:true`: its pages keep the filter. */
  hasCode?: boolean;
}

/** The questions a reply answers, first question first: the question, or the questions a follow-up was searched with. */
export const turnsOf = (result: Pick<AskResult, 'query' | 'context'>): string[] => [...(result.context ?? []), result.query];

/**
 * The /ask reply: the question (and for a follow-up, the questions before it), one embed per paper,
 * and buttons to page, refine, read abstracts and find similar papers.
 */
export function renderAsk({ result, total, votes, isPublic = true, generated, hasCode }: AskPage): MessagePayload {
  const { offset, results } = result;
  const last = Math.min(total, offset + results.length);
  const turns = turnsOf(result);
  const lines = turns.map((turn, i) => `${i === 0 ? QUESTION_PREFIX : FOLLOW_UP_PREFIX}${escapeMarkdown(turn)}`);
  if (result.truncated) lines.push('-# Your question was long, so only its beginning was searched.');
  if (result.answer) {
    const room = LIMITS.content - lines.join('\n').length - 1;
    const answer = (generated && generatedAnswerLines(generated, results, room)) ?? answerLine(result.answer, results, room);
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

  const hash = turnsHash(turns);
  const hasNext = result.hasMore && last < total;
  const pages = [
    button(encodeButton({ kind: 'ask', questionHash: hash, offset: Math.max(0, offset - ASK_PAGE_SIZE), total, hasCode }), '◀ Prev', { disabled: offset === 0 }),
    button(encodeButton({ kind: 'ask', questionHash: hash, offset: offset + ASK_PAGE_SIZE, total, hasCode }), 'Next ▶', { disabled: !hasNext }),
  ];
  const refine = button(encodeButton({ kind: 'refine', questionHash: hash, isPublic, total }), '✏️ Refine', { style: ButtonStyle.Success });
  const nav = row(...(total > ASK_PAGE_SIZE ? pages : []), refine);
  const abstracts = row(...results.map((hit) => button(encodeButton({ kind: 'abstract', paperId: hit.id }), `Abstract ${hit.rank}`, { style: ButtonStyle.Primary })));
  const similar = row(...results.map((hit) => button(encodeButton({ kind: 'similar', paperId: hit.id }), `Similar ${hit.rank}`)));
  const vote = voteRows(results, votes, (paperId) => encodeButton({ kind: 'vote', paperId }));
  return message({ content: lines.join('\n'), embeds, components: [nav, abstracts, similar, ...vote] });
}

/** Recovers the questions of an /ask reply, first question first; undefined if the message is not one. */
export function turnsFromMessage(content: string): string[] | undefined {
  const [first, ...rest] = content.split('\n');
  if (!first?.startsWith(QUESTION_PREFIX)) return undefined;
  const end = rest.findIndex((line) => !line.startsWith(FOLLOW_UP_PREFIX));
  const followUps = end < 0 ? rest : rest.slice(0, end);
  return [first, ...followUps].map((line, i) => unescapeMarkdown(line.slice((i === 0 ? QUESTION_PREFIX : FOLLOW_UP_PREFIX).length)));
}
