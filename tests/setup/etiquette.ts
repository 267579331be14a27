import type { APIMessage } from 'discord.js';
import { expect } from 'vitest';
import { LIMITS } from '../../src/bot/render/text.js';
import { customIdsOf, type TwinBot } from './twin.js';

/** Asserts every message body the bot wrote (replies, edits, follow-ups) carries `allowed_mentions: {parse: []}`; there must be at least `atLeast`. */
export function expectNoMentionsAnywhere(t: TwinBot, atLeast: number): void {
  const writes = t.requests.filter((r) => r.json && (r.method === 'PATCH' || r.method === 'POST') && /interactions|webhooks/.test(r.url));
  const bodies = writes
    .map((r) => (r.url.includes('/callback') ? (r.json!.data as Record<string, unknown> | undefined) : r.json))
    .filter((body): body is Record<string, unknown> => Boolean(body && ('content' in body || 'embeds' in body)));
  expect(bodies.length).toBeGreaterThan(atLeast);
  for (const body of bodies) expect(body.allowed_mentions).toEqual({ parse: [] });
}

/** Asserts each message is within Discord's limits: content, embed count, embed total and custom_id length. */
export function expectWithinDiscordLimits(messages: readonly APIMessage[]): void {
  for (const m of messages) {
    expect(m.content.length).toBeLessThanOrEqual(LIMITS.content);
    expect(m.embeds.length).toBeLessThanOrEqual(LIMITS.embedsPerMessage);
    const total = m.embeds.reduce(
      (sum, e) => sum + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.fields ?? []).reduce((s, f) => s + f.name.length + f.value.length, 0),
      0,
    );
    expect(total).toBeLessThanOrEqual(LIMITS.embedsTotal);
    for (const id of customIdsOf(m)) expect(id.length).toBeLessThanOrEqual(LIMITS.customId);
  }
}
