import type { APIEmbed } from 'discord-api-types/v10';
import { LIMITS, truncate } from './text.js';

/** The characters Discord counts toward the 6000 total of a message's embeds. */
export function embedLength(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0)
  );
}

/** Clamps every part of an embed to its own limit. */
export function clampEmbed(embed: APIEmbed): APIEmbed {
  return {
    ...embed,
    title: embed.title === undefined ? undefined : truncate(embed.title, LIMITS.embedTitle),
    description: embed.description === undefined ? undefined : truncate(embed.description, LIMITS.embedDescription),
    footer: embed.footer && { ...embed.footer, text: truncate(embed.footer.text, LIMITS.footer) },
    author: embed.author && { ...embed.author, name: truncate(embed.author.name, LIMITS.authorName) },
    fields: embed.fields
      ?.slice(0, LIMITS.embedFields)
      .map((f) => ({ ...f, name: truncate(f.name, LIMITS.fieldName), value: truncate(f.value, LIMITS.fieldValue) })),
  };
}

/**
 * Makes a message's embeds fit Discord's limits: each part within its own limit, at most 10 embeds,
 * and 6000 characters in all, by shortening the longest descriptions first.
 */
export function fitEmbeds(embeds: readonly APIEmbed[]): APIEmbed[] {
  const fitted = embeds.slice(0, LIMITS.embedsPerMessage).map(clampEmbed);
  let excess = fitted.reduce((sum, e) => sum + embedLength(e), 0) - LIMITS.embedsTotal;
  while (excess > 0) {
    const longest = fitted.reduce((a, b) => ((b.description?.length ?? 0) > (a.description?.length ?? 0) ? b : a));
    const length = longest.description?.length ?? 0;
    if (length === 0) {
      // Nothing left to shorten but fields: trim the longest field value.
      const field = fitted.flatMap((e) => e.fields ?? []).reduce((a, b) => (b.value.length > a.value.length ? b : a));
      field.value = truncate(field.value, Math.max(1, field.value.length - excess));
    } else {
      longest.description = truncate(longest.description!, Math.max(1, length - excess));
    }
    excess = fitted.reduce((sum, e) => sum + embedLength(e), 0) - LIMITS.embedsTotal;
  }
  return fitted;
}
