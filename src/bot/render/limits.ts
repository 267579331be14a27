import type { APIEmbed } from 'discord-api-types/v10';
import { LIMITS, truncate, waterLevel } from './text.js';

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
 * and 6000 characters in all. When over, the longest texts are shortened to one common length, so
 * every part keeps its beginning (a relevance line, a title) and no single embed is wiped out.
 */
export function fitEmbeds(embeds: readonly APIEmbed[]): APIEmbed[] {
  const fitted = embeds.slice(0, LIMITS.embedsPerMessage).map(clampEmbed);
  const total = fitted.reduce((sum, e) => sum + embedLength(e), 0);
  if (total <= LIMITS.embedsTotal) return fitted;
  const lengths = fitted.flatMap((e) => [
    e.title?.length ?? 0,
    e.description?.length ?? 0,
    e.footer?.text.length ?? 0,
    e.author?.name.length ?? 0,
    ...(e.fields ?? []).flatMap((f) => [f.name.length, f.value.length]),
  ]);
  const cap = waterLevel(lengths, LIMITS.embedsTotal);
  const cut = (text: string) => truncate(text, cap);
  return fitted.map((e) => ({
    ...e,
    title: e.title === undefined ? undefined : cut(e.title),
    description: e.description === undefined ? undefined : cut(e.description),
    footer: e.footer && { ...e.footer, text: cut(e.footer.text) },
    author: e.author && { ...e.author, name: cut(e.author.name) },
    fields: e.fields?.map((f) => ({ ...f, name: cut(f.name), value: cut(f.value) })),
  }));
}
