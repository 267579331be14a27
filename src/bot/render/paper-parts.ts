import type { PaperCard } from '../../engine/results.js';
import { escapeMarkdown, truncate, waterLevel } from './text.js';
import { link } from './payload.js';

/** `arXiv · PDF · Hugging Face · GitHub`, each linked, for whatever links the paper has. */
export function linkLine(card: PaperCard): string {
  const { links } = card;
  const named: [string, string | undefined][] = [
    ['arXiv', links.arxiv],
    ['PDF', links.pdf],
    ['Hugging Face', links.huggingFace],
    ['GitHub', links.github],
    ['Project', links.project],
    ['Search arXiv', links.arxivSearch],
    ['Google Scholar', links.scholarSearch],
  ];
  return named
    .filter((entry): entry is [string, string] => Boolean(entry[1]))
    .map(([name, url]) => link(name, url))
    .join(' · ');
}

export function authorLine(authors: readonly string[] | undefined, max = 3): string | undefined {
  if (!authors?.length) return undefined;
  const shown = authors.slice(0, max).join(', ');
  return escapeMarkdown(authors.length > max ? `${shown} et al.` : shown);
}

export interface ListEntry {
  rank: number;
  card: PaperCard;
  /** The TL;DR shown under the title; shortened evenly across entries to fit. */
  note: string;
  /** Shown after the title: similarity, votes. */
  extra?: string;
}

function listHead({ rank, card, extra }: ListEntry, titleChars: number): string {
  const title = link(truncate(escapeMarkdown(card.title), titleChars), card.url);
  const votes = card.upvotes !== undefined ? ` · ▲ ${card.upvotes}` : '';
  return `**${rank}.** ${title}${votes}${extra ? ` · ${extra}` : ''}`;
}

const NOTE_MIN_CHARS = 24;

/**
 * Paper lists, one entry per paper (`**3.** [Title](url) · ▲ 12` and its TL;DR), within `budget`
 * characters: every entry stays, and the TL;DRs are shortened to a common length to make room.
 */
export function listBody(entries: readonly ListEntry[], budget: number): string {
  const separators = Math.max(0, entries.length * 3 - 2);
  let heads = entries.map((e) => listHead(e, 100));
  if (heads.join('').length + separators > budget) heads = entries.map((e) => listHead(e, 40));
  const notes = entries.map((e) => escapeMarkdown(e.note));
  const room = budget - heads.join('').length - separators;
  const cap = room > 0 ? waterLevel(notes.map((n) => n.length), room) : 0;
  return entries.map((_, i) => (cap >= NOTE_MIN_CHARS ? `${heads[i]}\n${truncate(notes[i]!, cap)}` : heads[i])).join('\n\n');
}
