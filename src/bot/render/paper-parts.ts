import type { PaperCard } from '../../engine/results.js';
import { escapeMarkdown, truncate } from './text.js';
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

/** One line per paper for lists: `**3.** [Title](url) · ▲ 12` then its TL;DR. */
export function listLine(rank: number, card: PaperCard, note: string, extra: string | undefined, maxChars: number): string {
  const title = link(escapeMarkdown(truncate(card.title, 150)), card.url);
  const votes = card.upvotes !== undefined ? ` · ▲ ${card.upvotes}` : '';
  const head = `**${rank}.** ${title}${votes}${extra ? ` · ${extra}` : ''}`;
  return `${head}\n${escapeMarkdown(truncate(note, Math.max(40, maxChars - head.length)))}`;
}
