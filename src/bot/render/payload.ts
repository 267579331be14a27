import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponentWithCustomId, type APIEmbed } from 'discord-api-types/v10';
import { fitEmbeds } from './limits.js';
import { LIMITS, truncate } from './text.js';

export type ButtonRow = APIActionRowComponent<APIButtonComponentWithCustomId>;

/** A message as every face of the bot sends it: within limits, and never able to ping anyone. */
export interface MessagePayload {
  content: string;
  embeds: APIEmbed[];
  components: ButtonRow[];
  allowedMentions: { parse: [] };
}

export const NO_MENTIONS = { parse: [] as [] };

export const COLORS = { brand: 0xff9d00, muted: 0x99aab5, error: 0xed4245, ok: 0x57f287 } as const;

export function message(parts: { content?: string; embeds?: APIEmbed[]; components?: ButtonRow[] }): MessagePayload {
  return {
    content: truncate(parts.content ?? '', LIMITS.content),
    embeds: fitEmbeds(parts.embeds ?? []),
    components: (parts.components ?? []).filter((row) => row.components.length > 0).slice(0, 5),
    allowedMentions: NO_MENTIONS,
  };
}

export function button(customId: string, label: string, options: { disabled?: boolean; style?: ButtonStyle } = {}): APIButtonComponentWithCustomId {
  return {
    type: ComponentType.Button,
    custom_id: customId,
    label: truncate(label, LIMITS.buttonLabel),
    style: (options.style ?? ButtonStyle.Secondary) as APIButtonComponentWithCustomId['style'],
    disabled: options.disabled ?? false,
  };
}

export function row(...buttons: APIButtonComponentWithCustomId[]): ButtonRow {
  return { type: ComponentType.ActionRow, components: buttons.slice(0, 5) };
}

/**
 * A markdown link whose URL can neither end the link early nor carry mention or markdown syntax.
 * `preview: false` wraps the URL in `<>`, so a link in a message's content unfurls no preview.
 */
export function link(text: string, url: string, options: { preview?: boolean } = {}): string {
  const safe = url.replace(/\s/g, '%20').replace(/[)<>@]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return options.preview === false ? `[${text}](<${safe}>)` : `[${text}](${safe})`;
}

/** Vote counts of the papers shown, for this server; undefined outside a server (no vote buttons). */
export type VoteCounts = ReadonlyMap<string, number> | undefined;

/** A 👍 button per paper, five to a row. */
export function voteRows(papers: readonly { rank: number; id: string }[], votes: VoteCounts, encode: (paperId: string) => string): ButtonRow[] {
  if (!votes) return [];
  const rows: ButtonRow[] = [];
  for (let i = 0; i < papers.length; i += 5) {
    rows.push(row(...papers.slice(i, i + 5).map((p) => button(encode(p.id), `👍 ${p.rank}`))));
  }
  return rows;
}
