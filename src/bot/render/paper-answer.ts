import { ButtonStyle } from 'discord-api-types/v10';
import type { PaperAnswer } from '../../engine/results.js';
import { encodeButton } from '../custom-ids.js';
import { authorLine, linkLine } from './paper-parts.js';
import { button, COLORS, message, row, type MessagePayload, type VoteCounts } from './payload.js';
import { escapeMarkdown } from './text.js';

/**
 * `/paper query: question:`: the question, and the sentences of the paper that answer it with the
 * best one in bold; the whole abstract is one button away (shown only to whoever clicks).
 */
export function renderPaperAnswer(paper: PaperAnswer, votes?: VoteCounts): MessagePayload {
  const { answer } = paper;
  const lines = [`❓ ${escapeMarkdown(answer.question)}`];
  if (answer.truncated) lines.push('-# Your question was long, so only its beginning was used.');
  const sentences = answer.sentences.map((s) => (s.matched ? `**${escapeMarkdown(s.text)}**` : escapeMarkdown(s.text))).join(' ');
  const fields = [
    { name: 'Links', value: linkLine(paper) },
    paper.date && { name: 'Date', value: paper.date, inline: true },
    authorLine(paper.authors) && { name: 'Authors', value: authorLine(paper.authors)!, inline: true },
    votes && { name: 'Votes in this server', value: `👍 ${votes.get(paper.id) ?? 0}`, inline: true },
  ].filter((f): f is { name: string; value: string; inline?: boolean } => Boolean(f));
  return message({
    content: lines.join('\n'),
    embeds: [
      {
        title: escapeMarkdown(paper.title),
        url: paper.url,
        color: COLORS.brand,
        description: `${sentences}\n\n-# From the abstract, the best answer in bold; **Full abstract** shows the rest.`,
        fields,
        footer: { text: paper.id },
      },
    ],
    components: [
      row(
        button(encodeButton({ kind: 'abstract', paperId: paper.id }), 'Full abstract', { style: ButtonStyle.Primary }),
        button(encodeButton({ kind: 'similar', paperId: paper.id }), 'More similar papers'),
        ...(votes ? [button(encodeButton({ kind: 'vote', paperId: paper.id }), '👍 Vote')] : []),
      ),
    ],
  });
}
