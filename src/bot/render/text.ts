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
const BLANK_OR_BACKSLASH = /^[\s\\]+$/u;

/**
 * Shortens text to at most `max` characters, ending with an ellipsis: at a word boundary when one is
 * near, and never inside a character (surrogate pair, emoji sequence or accented letter).
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return max === 1 ? '…' : '';
  // Whole characters that fit before the ellipsis; whitespace is only ever dropped as a whole character.
  const kept: { segment: string; blank: boolean }[] = [];
  let length = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (length + segment.length > max - 1) break;
    kept.push({ segment, blank: /^\s+$/u.test(segment) });
    length += segment.length;
  }
  const lastBlank = kept.findLastIndex((g) => g.blank);
  if (lastBlank > kept.length * 0.6) kept.length = lastBlank;
  // Trailing blanks look odd before an ellipsis, and a trailing backslash would escape it.
  while (kept.length && BLANK_OR_BACKSLASH.test(kept.at(-1)!.segment)) kept.pop();
  return `${kept.map((g) => g.segment).join('')}…`;
}

/** The largest cap such that capping every length at it keeps their sum within budget (at least 1). */
export function waterLevel(lengths: readonly number[], budget: number): number {
  const sorted = [...lengths].sort((a, b) => a - b);
  let remaining = budget;
  for (let i = 0; i < sorted.length; i++) {
    const share = Math.floor(remaining / (sorted.length - i));
    if (sorted[i]! > share) return Math.max(1, share);
    remaining -= sorted[i]!;
  }
  return Math.max(1, ...sorted);
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
