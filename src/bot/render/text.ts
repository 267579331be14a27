/** Discord's hard limits on message parts, in UTF-16 code units (which never undercounts). */
export const LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  authorName: 256,
  embedFields: 25,
  embedsTotal: 6000,
  embedsPerMessage: 10,
  buttonLabel: 80,
  customId: 100,
  choiceName: 100,
  choiceValue: 100,
  choices: 25,
} as const;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * Shortens text to at most `max` characters, ending with an ellipsis: at a word boundary when one is
 * near, and never inside a character (surrogate pair, emoji sequence or accented letter).
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return max === 1 ? '…' : '';
  let end = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    if (index + segment.length > max - 1) break;
    end = index + segment.length;
  }
  let head = text.slice(0, end);
  const lastSpace = head.search(/\s\S*$/);
  if (lastSpace > end * 0.6) head = head.slice(0, lastSpace);
  // A trailing backslash would escape the ellipsis.
  return `${head.trimEnd().replace(/\\+$/, '')}…`;
}

// Markdown, mention, emoji and autolink syntax. Escaping each keeps user or paper text literal.
const SPECIAL = /[\\*_~`|>#\-[\]()<@:]/g;

/** Makes text render literally in Discord markdown: no formatting, links, mentions or emoji codes. */
export function escapeMarkdown(text: string): string {
  return text.replace(SPECIAL, '\\$&');
}

/** Inverse of escapeMarkdown: `unescapeMarkdown(escapeMarkdown(s)) === s` for every string. */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\\([\\*_~`|>#\-[\]()<@:])/g, '$1');
}

/** `▰▰▰▰▱ 81%` */
export function relevanceBar(score: number, width = 5): string {
  const share = Math.min(1, Math.max(0, score));
  const filled = Math.round(share * width);
  return `${'▰'.repeat(filled)}${'▱'.repeat(width - filled)} ${Math.round(share * 100)}%`;
}
