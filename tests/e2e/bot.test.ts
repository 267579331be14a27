import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from '../../src/bot/rate-limit.js';
import { LIMITS } from '../../src/bot/render/text.js';
import { seededDataDir, tempDir, testConfig } from '../setup/engine.js';
import { SEEDS } from '../setup/paths.js';
import { ackOf, ADMIN, autocomplete, customIdsOf, bool, int, MEMBER, OTHER, pollFor, replyTo, startTwinBot, str, type TwinBot } from '../setup/twin.js';
import { expectNoMentionsAnywhere, expectWithinDiscordLimits } from '../setup/etiquette.js';

const EPHEMERAL = 64;
const SCALING_MLPS = '2306.13575';

const flags = (m: APIMessage) => m.flags ?? 0;

const RELOAD_WAIT_MS = 120_000;

describe('the bot, end to end against a Discord twin', () => {
  let t: TwinBot;
  let sources: string;

  beforeAll(async () => {
    sources = tempDir();
    writeFileSync(join(sources, 'extra.jsonl'), '');
    t = await startTwinBot({ engineConfig: testConfig(seededDataDir(), { PAPERSCOUT_SOURCES: `${SEEDS},${sources}` }) });
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function ask(userId: string, question: string, options: { results?: number; public?: boolean } = {}) {
    const opts = [str('question', question)];
    if (options.results) opts.push(int('results', options.results));
    if (options.public !== undefined) opts.push(bool('public', options.public));
    return t.channel.user(userId).runSlashCommand({ name: 'ask', options: opts });
  }

  it('/ask defers at once (in the channel, by default), then edits in the answer with the expected paper first', async () => {
    const { id } = await ask(MEMBER, 'how do MLPs scale on vision tasks?');
    const ack = await ackOf(t, id);
    expect(ack.type).toBe(5);
    expect((ack.data.flags ?? 0) & EPHEMERAL).toBe(0);
    const reply = await replyTo(t, id, (m) => m.embeds.length > 0);
    expect(reply.content).toContain('how do MLPs scale on vision tasks?');
    expect(reply.embeds.length).toBeLessThanOrEqual(5);
    const top = reply.embeds[0]!;
    expect(top.title).toBe('1. Scaling MLPs\\: A Tale of Inductive Bias');
    expect(top.url).toBe(`https://arxiv.org/abs/${SCALING_MLPS}`);
    expect(top.description).toMatch(/^[▰▱]{5} \d+% relevance\n/);
    expect(top.description).toMatch(/\*\*.+\*\*/);
    expect(top.fields?.find((f) => f.name === 'Links')?.value).toContain(`https://arxiv.org/pdf/${SCALING_MLPS}`);
    expect(reply.embeds.at(-1)!.footer?.text).toMatch(/searched 64 papers in \d+ ms/);
    expect(customIdsOf(reply)).toContain(`abs:${SCALING_MLPS}`);
    expect(customIdsOf(reply)).toContain(`sim:${SCALING_MLPS}`);
  });

  it('pages through results with Next and Prev', async () => {
    const { id } = await ask(MEMBER, 'efficient transformers for images', { results: 10, public: true });
    const first = await replyTo(t, id, (m) => m.embeds.length > 0);
    expect(first.embeds.map((e) => e.title!.split('. ')[0])).toEqual(['1', '2', '3', '4', '5']);
    const next = customIdsOf(first).find((c) => c.startsWith('ask:') && c.endsWith(':5:10'))!;
    const click = await t.channel.user(MEMBER).clickButton({ messageId: first.id, customId: next });
    await t.channel.waitForInteractionAck({ interactionId: click.id });
    const second = await pollFor(async () => {
      const m = (await t.channel.getMessages()).find((x) => x.id === first.id);
      return m?.embeds[0]?.title?.startsWith('6. ') ? m : undefined;
    }, 'page 2');
    expect(second.embeds.map((e) => e.title!.split('. ')[0])).toEqual(['6', '7', '8', '9', '10']);
    expect(new Set([...first.embeds, ...second.embeds].map((e) => e.url)).size).toBe(10);

    const prev = customIdsOf(second).find((c) => c.startsWith('ask:') && c.endsWith(':0:10'))!;
    await t.channel.user(MEMBER).clickButton({ messageId: first.id, customId: prev });
    await pollFor(async () => {
      const m = (await t.channel.getMessages()).find((x) => x.id === first.id);
      return m?.embeds[0]?.title?.startsWith('1. ') ? m : undefined;
    }, 'page 1 again');
  });

  it('the Similar button answers privately with related papers', async () => {
    const { id } = await ask(MEMBER, 'how do MLPs scale on vision tasks?', { public: true });
    const reply = await replyTo(t, id, (m) => m.embeds.length > 0);
    const click = await t.channel.user(OTHER).clickButton({ messageId: reply.id, customId: `sim:${SCALING_MLPS}` });
    const { type, data: similar } = await ackOf(t, click.id);
    expect(type).toBe(4);
    expect(similar.flags).toBe(EPHEMERAL);
    expect(similar.embeds![0]!.title).toContain('Papers like “Scaling MLPs');
    expect(similar.embeds![0]!.description).not.toContain(SCALING_MLPS);
    expect(similar.embeds![0]!.description!.match(/\*\*\d\.\*\*/g)).toHaveLength(5);
  });

  it('the Abstract button shows the full abstract ephemerally', async () => {
    const { id } = await ask(MEMBER, 'how do MLPs scale on vision tasks?', { public: true });
    const reply = await replyTo(t, id, (m) => m.embeds.length > 0);
    const click = await t.channel.user(OTHER).clickButton({ messageId: reply.id, customId: `abs:${SCALING_MLPS}` });
    const { data: abstract } = await ackOf(t, click.id);
    expect(abstract.flags).toBe(EPHEMERAL);
    expect(abstract.embeds![0]!.description).toContain('All of our experiments were run on a single GPU');
  });

  it('/trending lists the seed day, ten at a time, and pages', async () => {
    const { id } = await t.channel.user(MEMBER).runSlashCommand({ name: 'trending' });
    const reply = await replyTo(t, id);
    const embed = reply.embeds[0]!;
    expect(embed.title).toBe('Daily papers · 2025-03-12');
    expect(embed.description!.match(/^\*\*\d+\.\*\* /gm)).toHaveLength(10);
    expect(embed.description).toContain(`(https://arxiv.org/abs/${SCALING_MLPS})`);
    expect(embed.footer?.text).toBe('1–10 of 64 · in list order');
    const next = customIdsOf(reply).find((c) => c === 'trend:2025-03-12:10:10')!;
    const click = await t.channel.user(MEMBER).clickButton({ messageId: reply.id, customId: next });
    expect((await t.channel.waitForInteractionAck({ interactionId: click.id })).type).toBe(7);
    const page2 = await pollFor(async () => {
      const m = (await t.channel.getMessages()).find((x) => x.id === reply.id);
      return m?.embeds[0]?.footer?.text?.startsWith('11–20') ? m : undefined;
    }, 'trending page 2');
    expect(page2.embeds[0]!.description).toMatch(/^\*\*11\.\*\* /);
  });

  it('autocompletes titles: at most 25 choices, all matching what was typed', async () => {
    const mlp = await autocomplete(t, MEMBER, 'paper', 'query', 'mlp');
    expect(mlp.type).toBe(8);
    expect(mlp.choices.length).toBeGreaterThan(3);
    expect(mlp.choices.length).toBeLessThanOrEqual(LIMITS.choices);
    for (const choice of mlp.choices) {
      expect(choice.name.toLowerCase()).toContain('mlp');
      expect(choice.name.length).toBeLessThanOrEqual(100);
    }
    const all = await autocomplete(t, MEMBER, 'similar', 'paper', '');
    expect(all.choices).toHaveLength(25);
  });

  it('/paper shows one paper in full, chosen by autocomplete value', async () => {
    const { id } = await t.channel.user(MEMBER).runSlashCommand({ name: 'paper', options: [str('query', SCALING_MLPS)] });
    const reply = await replyTo(t, id);
    const embed = reply.embeds[0]!;
    expect(embed.url).toBe(`https://arxiv.org/abs/${SCALING_MLPS}`);
    expect(embed.description).toContain('single GPU');
    expect(embed.fields?.find((f) => f.name === 'Similar papers')?.value.split('\n')).toHaveLength(3);
    expect(embed.fields?.find((f) => f.name === 'Links')?.value).toContain(`https://huggingface.co/papers/${SCALING_MLPS}`);
  });

  it('refuses /reload to a non-admin, privately', async () => {
    const { id } = await t.channel.user(MEMBER).runSlashCommand({ name: 'reload' });
    const reply = await replyTo(t, id);
    expect(flags(reply)).toBe(EPHEMERAL);
    expect(reply.content).toContain('Only server admins');
    expect(t.engine.isReloading).toBe(false);
  });

  it('/reload by an admin shows progress and a summary while /ask keeps answering', async () => {
    // Enough papers that embedding outlasts the 2 s between progress edits, however fast the reload starts.
    const papers = Array.from({ length: 1200 }, (_, i) =>
      JSON.stringify({
        id: `reload-${i}`,
        title: `Reload test paper ${i} about protein folding`,
        abstract: `We fold protein ${i} with a new solver. The solver uses ${i} iterations. It beats baselines on CASP targets. We release the code. Results hold across families. Ablations confirm each part.`,
        source: 'test',
      }),
    ).join('\n');
    writeFileSync(join(sources, 'extra.jsonl'), papers);
    const reload = await t.channel.user(ADMIN).runSlashCommand({ name: 'reload' });
    expect((await t.channel.waitForInteractionAck({ interactionId: reload.id })).type).toBe(5);
    await pollFor(async () => (t.engine.isReloading ? true : undefined), 'the reload to start');

    const during = await ask(MEMBER, 'how do MLPs scale on vision tasks?');
    const answer = await replyTo(t, during.id, (m) => m.embeds.length > 0);
    expect(answer.embeds[0]!.url).toBe(`https://arxiv.org/abs/${SCALING_MLPS}`);
    expect(answer.embeds.at(-1)!.footer?.text).toMatch(/searched 64 papers/);

    const second = await t.channel.user(ADMIN).runSlashCommand({ name: 'reload' });
    expect((await replyTo(t, second.id)).content).toContain('already running');

    // Embedding 1,200 papers on two cores shared with the rest of the suite: a generous bound, not a speed check.
    const summary = await replyTo(t, reload.id, (m) => m.content.includes('Reload finished'), RELOAD_WAIT_MS);
    expect(summary.content).toMatch(/\*\*1200\*\* added, \*\*0\*\* updated, \*\*0\*\* removed/);
    expect(summary.content).toContain('**1264** papers');
    const token = (await t.channel.getInteractionResponse(reload.id))!.interactionToken;
    const edits = t.requests.filter((r) => r.method === 'PATCH' && r.url.includes(token));
    const progress = edits.filter((r) => /Embedding \d+\/\d+ [▰▱]+ \d+%/.test(String(r.json?.content)));
    expect(progress.length).toBeGreaterThanOrEqual(1);
    // The summary comes last and is not throttled; every edit before it went through the throttle:
    // "Reading the sources…" and at least one progress line, so there is at least one gap to check.
    expect(String(edits.at(-1)!.json?.content)).toContain('Reload finished');
    const throttled = edits.slice(0, -1);
    expect(throttled.length).toBeGreaterThanOrEqual(2);
    const gaps = throttled.slice(1).map((edit, i) => edit.at - throttled[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1900);
    expect(t.engine.stats().papers).toBe(1264);
  }, RELOAD_WAIT_MS + 60_000);

  it('echoes a hostile question escaped, and pings nobody', async () => {
    const { id } = await ask(MEMBER, '@everyone <@&123456789012345678> <@200000000000000003> **bold** MLP scaling', { public: true });
    const reply = await replyTo(t, id, (m) => m.embeds.length > 0);
    expect(reply.content).not.toMatch(/(^|[^\\])@everyone/);
    expect(reply.content).toContain('\\@everyone');
    expect(reply.content).toContain('\\<\\@&123456789012345678\\>');
    expect(reply.content).toContain('\\*\\*bold\\*\\*');
  });

  it('rate-limits /ask per user with a friendly, private retry time', async () => {
    const original = t.bot.context.askLimiter;
    t.bot.context.askLimiter = new SlidingWindowLimiter(2, 60_000);
    try {
      for (let i = 0; i < 2; i++) await replyTo(t, (await ask(OTHER, `question ${i} about grokking`)).id, (m) => m.embeds.length > 0);
      const limited = await ask(OTHER, 'one more about grokking');
      const reply = await replyTo(t, limited.id);
      expect(flags(reply)).toBe(EPHEMERAL);
      expect(reply.content).toMatch(/Try again in \d+s\./);
      const other = await ask(MEMBER, 'grokking in transformers');
      expect((await replyTo(t, other.id, (m) => m.embeds.length > 0)).embeds.length).toBeGreaterThan(0);
    } finally {
      t.bot.context.askLimiter = original;
    }
  });

  it('answers a forged or stale button with a friendly private message', async () => {
    const { id } = await ask(MEMBER, 'how do MLPs scale on vision tasks?', { public: true });
    const reply = await replyTo(t, id, (m) => m.embeds.length > 0);
    for (const customId of ['ask:0123456789:5:10', 'abs:9999.99999', 'nonsense', 'trend:2020-01-01:0:10']) {
      const click = await t.channel.user(MEMBER).clickButton({ messageId: reply.id, customId });
      const { data: answer } = await ackOf(t, click.id);
      expect(answer.flags).toBe(EPHEMERAL);
      expect(answer.content).toMatch(/expired|no longer|No paper matches/);
    }
  });

  it('/stats and /help answer privately', async () => {
    const stats = await replyTo(t, (await t.channel.user(MEMBER).runSlashCommand({ name: 'stats' })).id);
    expect(flags(stats)).toBe(EPHEMERAL);
    const fields = Object.fromEntries(stats.embeds[0]!.fields!.map((f) => [f.name, f.value]));
    expect(Number(fields['Papers indexed'])).toBeGreaterThanOrEqual(64);
    expect(fields['Model']).toContain('all-MiniLM-L6-v2');
    expect(fields['/ask latency']).toMatch(/median \d+ ms · p95 \d+ ms/);
    const help = await replyTo(t, (await t.channel.user(MEMBER).runSlashCommand({ name: 'help' })).id);
    expect(help.embeds[0]!.description).toContain('/ask');
  });

  it('sends allowed_mentions with no parse on every message it writes', () => {
    expectNoMentionsAnywhere(t, 20);
  });

  it('stays within Discord limits in every message', async () => {
    expectWithinDiscordLimits(await t.channel.getMessages());
  });
});

describe('bot start-up', () => {
  it('refuses a wrong token with a clear message that points to the CLI', async () => {
    const t = await startTwinBot();
    try {
      const { startBot } = await import('../../src/bot/bot.js');
      const { loadBotConfig } = await import('../../src/config.js');
      const config = loadBotConfig({ DISCORD_TOKEN: 'not-the-token', DISCORD_API_BASE: t.twin.restUrl });
      const { feed, now } = t.bot.context;
      await expect(startBot({ engine: t.engine, config, feed, now, dataDir: t.engine.config.dataDir, log: t.bot.context.log, dailyIntervalMs: 0 })).rejects.toThrow(/rejected DISCORD_TOKEN[\s\S]*npx paperscout ask/);
    } finally {
      await t.stop();
    }
  });
});
