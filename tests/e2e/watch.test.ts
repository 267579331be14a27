import type { APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../setup/cli.js';
import { capturingLogger, seededDataDir, testConfig } from '../setup/engine.js';
import { startHfServer, type HfServer } from '../setup/hf-server.js';
import { hasRealDays, realDays } from '../setup/real-days.js';
import { ackOf, ADMIN, bool, channelOption, int, MEMBER, OTHER, pollFor, replyTo, runCommand, startTwinBot, str, type Option, type TwinBot } from '../setup/twin.js';

/** Real Hugging Face days, read in place from ../shared/realworld (never copied into the repository). */
const realDay = (date: string): unknown[] => realDays([date])[date]!;
const DAY = '2025-03-12';
// Hand-labelled for "video generation" in tests/eval/watch-labels.jsonl (a clear positive, and a clear negative).
const LONG_VIDEO = '2503.08605';
const GEMINI_EMBEDDING = '2503.07891';
const YUE_MUSIC = '2503.08638';
// Indexed while the bot is down: "Seed-Music: … Controlled Music Generation", on the real day 2024-09-17.
const SEED_MUSIC_DAY = '2024-09-17';
const SEED_MUSIC = '2409.09214';
const at = (iso: string) => Date.parse(iso);
const EPHEMERAL = 64;

const sub = (name: string, options: Option[] = []) => ({ name, type: 1, options }) as unknown as Option;

describe.skipIf(!hasRealDays)('topic watches and the digest, on a real day from a local Hugging Face server', () => {
  let hf: HfServer;
  let t: TwinBot;
  let now = at(`${DAY}T05:00:00Z`);
  const capture = capturingLogger('info');
  const dmChannel = '900000000000000001';
  const dataDir = seededDataDir();

  const tickAt = async (iso: string) => {
    now = at(iso);
    await t.bot.daily.tick();
  };
  const messagesIn = (channelId: string) => t.twin.channel(channelId).getMessages();
  const watchReply = async (user: string, options: Option[], resolved?: Record<string, unknown>, channelId?: string) => {
    const { id } = await runCommand(t, user, 'watch', [sub('add', options)], resolved, channelId);
    expect((await ackOf(t, id, channelId ? t.twin.channel(channelId) : t.channel)).type).toBe(5);
    return pollFor(async () => {
      const row = await (channelId ? t.twin.channel(channelId) : t.channel).getInteractionResponse(id);
      return row?.messageId ? row : undefined;
    }, 'the /watch reply');
  };

  beforeAll(async () => {
    hf = await startHfServer({ [DAY]: realDay(DAY) });
    t = await startTwinBot({
      engineConfig: testConfig(dataDir),
      env: { HF_API_BASE: hf.url, REFRESH_TIME: '06:00', REFRESH_TIMEZONE: 'UTC', REFRESH_DAYS: '1', HF_FETCH_RETRIES: '1' },
      now: () => now,
      log: capture.log,
    });
    // The twin has no DM endpoint: a DM channel is made in it, and opening one answers with it.
    await t.twin.prisma.channel.create({ data: { id: dmChannel, type: 1 } });
    t.faults.push({
      match: (method, url) => method === 'POST' && url.endsWith('/users/@me/channels'),
      status: 200,
      times: 100,
      body: { id: dmChannel, type: 1, recipients: [{ id: MEMBER, username: 'member', discriminator: '0', avatar: null, global_name: null }] },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await hf?.close();
  });

  it('lets a member watch a topic for themselves, and only an admin for a channel', async () => {
    const { option, resolved } = channelOption('channel', { id: t.dailyChannelId, name: 'daily' });
    const refused = await runCommand(t, MEMBER, 'watch', [sub('add', [str('topic', 'video generation'), option])], resolved);
    await pollFor(async () => ((await t.channel.getInteractionResponse(refused.id))?.messageId ? true : undefined), 'the refusal');
    expect(t.bot.context.state.watches.inGuild(t.twin.guildId)).toEqual([]);

    await watchReply(MEMBER, [str('topic', 'music generation')]);
    await watchReply(ADMIN, [str('topic', 'video generation'), option], resolved);
    const watches = t.bot.context.state.watches.inGuild(t.twin.guildId);
    expect(watches.map((w) => [w.topic, w.channelId ?? 'dm', w.userId])).toEqual([
      ['music generation', 'dm', MEMBER],
      ['video generation', t.dailyChannelId, ADMIN],
    ]);

    const list = await runCommand(t, OTHER, 'watch', [sub('list')]);
    const listed = await ackOf(t, list.id);
    expect(listed.data.flags).toBe(EPHEMERAL);
    // Another member sees the channel's watch, not MEMBER's own.
    expect(listed.data.content).toContain('«video generation»');
    expect(listed.data.content).not.toContain('music generation');
  });

  it('matches the new papers when the daily refresh indexes them, and DMs a member theirs once', async () => {
    await tickAt(`${DAY}T06:00:00Z`);
    expect(t.engine.listing().date).toBe(DAY);
    const [music, video] = t.bot.context.state.watches.inGuild(t.twin.guildId);
    const ids = t.engine.listing().ids;
    const videoMatches = t.bot.context.state.watches.matches([video!.id], ids).map((m) => m.paperId);
    expect(videoMatches).toContain(LONG_VIDEO);
    expect(videoMatches).not.toContain(GEMINI_EMBEDDING);
    expect(t.bot.context.state.watches.matches([music!.id], ids).map((m) => m.paperId)).toContain(YUE_MUSIC);

    const dms = await pollFor(async () => {
      const m = await messagesIn(dmChannel);
      return m.length ? m : undefined;
    }, 'the DM');
    expect(dms).toHaveLength(1);
    expect(dms[0]!.content).toMatch(/^🔭 New papers? for your watch «music generation»/);
    expect(dms[0]!.embeds.map((e) => e.url)).toContain(`https://arxiv.org/abs/${YUE_MUSIC}`);
    // Why: the watch, and the paper's sentence that matched, in bold.
    expect(dms[0]!.embeds[0]!.description).toMatch(/^🔭 Watch «music generation»[^\n]*\n> .*\*\*[^*]+\*\*/s);
    expect(t.bot.context.state.watches.undelivered()).toEqual([]);

    await t.restartBot();
    await t.bot.context.watches.deliver();
    expect(await messagesIn(dmChannel)).toHaveLength(1);
  }, 240_000); // indexes a real day with the real model, on a shared 2-core machine

  it('catches up at start on papers a command indexed while the bot was down, and DMs them once', async () => {
    hf.setDay(SEED_MUSIC_DAY, realDay(SEED_MUSIC_DAY));
    await t.restartBot(async () => {
      const fetched = await runCli(['fetch', '--date', SEED_MUSIC_DAY], { dataDir, env: { HF_API_BASE: hf.url, HF_FETCH_RETRIES: '1' }, timeoutMs: 180_000 });
      expect(fetched.code, fetched.stderr).toBe(0);
      // A restarted process would open the index the command built; this engine outlives the bot, so it reloads.
      await t.engine.reload();
    });
    const dms = await pollFor(async () => {
      const m = await messagesIn(dmChannel);
      return m.length > 1 ? m : undefined;
    }, 'the catch-up DM');
    expect(dms).toHaveLength(2);
    expect(dms.flatMap((m) => m.embeds.map((e) => e.url))).toContain(`https://arxiv.org/abs/${SEED_MUSIC}`);
    expect(t.bot.context.state.watches.unwatched(t.engine.titles().map((p) => p.id))).toEqual([]);

    // Nothing new since: another start sends nothing.
    await t.restartBot();
    await t.bot.context.watches.catchUp();
    expect(await messagesIn(dmChannel)).toHaveLength(2);
  }, 300_000); // a CLI fetch that indexes a real day with the real model, on a shared 2-core machine

  it("posts a subscribed channel's digest of its watches' matches, strongest first, exactly once", async () => {
    const { option, resolved } = channelOption('channel', { id: t.dailyChannelId, name: 'daily' });
    await ackOf(t, (await runCommand(t, ADMIN, 'subscribe', [option, str('time', '08:00'), int('limit', 20)], resolved)).id);
    await tickAt(`${DAY}T08:00:00Z`);
    await tickAt(`${DAY}T08:01:00Z`);
    await t.restartBot();
    await tickAt(`${DAY}T09:00:00Z`);
    const posts = (await messagesIn(t.dailyChannelId)).filter((m) => m.content.startsWith("📰 **Today's digest**"));
    expect(posts).toHaveLength(1);
    const post = posts[0]!;
    expect(post.content).toMatch(new RegExp(`^📰 \\*\\*Today's digest\\*\\* \\(the list of ${DAY}\\): \\d+ papers? matched this channel's watches\\.`));
    const urls = post.embeds.map((e) => e.url);
    expect(urls).toContain(`https://arxiv.org/abs/${LONG_VIDEO}`);
    expect(urls).not.toContain(`https://arxiv.org/abs/${GEMINI_EMBEDDING}`);
    for (const embed of post.embeds) expect(embed.description).toMatch(/^🔭 Watch «video generation»/);
    const video = t.bot.context.state.watches.inGuild(t.twin.guildId)[1]!;
    const strengths = t.bot.context.state.watches.matches([video.id], t.engine.listing().ids).map((m) => `https://arxiv.org/abs/${m.paperId}`);
    expect(urls).toEqual(strengths.slice(0, urls.length));
  });

  it('/digest posts the channel digest now: a long one continues in a thread, a day without a match says so in one line', async () => {
    const refused = await ackOf(t, (await runCommand(t, MEMBER, 'digest', [])).id);
    expect(refused.data.content).toContain('Only server admins');

    // A channel without watches gets the whole list, as before.
    const { id: plain } = await runCommand(t, ADMIN, 'digest', []);
    await replyTo(t, plain, (m) => m.content.startsWith('Posted the digest'));
    expect((await t.channel.getMessages()).some((m) => m.content.startsWith("📰 **Today's papers**") && m.embeds[0]?.title === `Daily papers · ${DAY}`)).toBe(true);

    // Broad watches on this channel: more papers than one message holds.
    const here = channelOption('channel', { id: t.channelId, name: 'papers' });
    for (const topic of ['vision-language models', 'image generation', 'video generation']) await watchReply(ADMIN, [str('topic', topic), here.option], here.resolved);
    const { id: long } = await runCommand(t, ADMIN, 'digest', []);
    await replyTo(t, long, (m) => m.content.startsWith('Posted the digest'));
    const head = (await t.channel.getMessages()).filter((m) => m.content.startsWith("📰 **Today's digest**")).at(-1)!;
    expect(head.embeds).toHaveLength(5);
    expect(head.content).toContain('More in the thread below.');
    const threads = await t.channel.getThreads();
    expect(threads.map((th) => th.name)).toContain(`Digest · ${DAY}`);
    const rest: APIMessage[] = await t.twin.thread(threads.find((th) => th.name === `Digest · ${DAY}`)!.id).getMessages();
    const continued = rest.filter((m) => m.content.startsWith('Papers 6–'));
    expect(continued.length).toBeGreaterThan(0);
    for (const m of [head, ...continued]) {
      expect(m.embeds.length).toBeLessThanOrEqual(5);
      expect(m.embeds.reduce((n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0), 0)).toBeLessThanOrEqual(6000);
    }

    // Only a topic that nothing on the day matches.
    for (const w of t.bot.context.state.watches.inGuild(t.twin.guildId).filter((x) => x.channelId === t.channelId)) t.bot.context.state.watches.remove(w.id);
    await watchReply(ADMIN, [str('topic', 'protein folding in yeast cells'), here.option], here.resolved);
    const { id: none } = await runCommand(t, ADMIN, 'digest', []);
    await replyTo(t, none, (m) => m.content.startsWith('Posted the digest'));
    const lines = (await t.channel.getMessages()).filter((m) => m.content.startsWith('📭'));
    expect(lines.map((m) => [m.content, m.embeds.length])).toEqual([[`📭 No paper in the list of ${DAY} matched this channel's watches («protein folding in yeast cells»).`, 0]]);
  });

  it('skips a day without a match when the admin chose that, and removes watches by their owner only', async () => {
    const { option, resolved } = channelOption('channel', { id: t.channelId, name: 'papers' });
    await ackOf(t, (await runCommand(t, ADMIN, 'subscribe', [option, str('time', '10:00'), bool('skip_empty', true)], resolved)).id);
    const before = (await t.channel.getMessages()).length;
    hf.setDay('2025-03-13', realDay(DAY).slice(0, 3));
    await tickAt('2025-03-13T06:00:00Z');
    await tickAt('2025-03-13T10:00:00Z');
    expect((await t.channel.getMessages()).length).toBe(before);
    expect(t.bot.context.state.subscriptions.get(t.twin.guildId)?.lastPostedList).toBe('2025-03-13');

    const music = t.bot.context.state.watches.inGuild(t.twin.guildId).find((w) => w.topic === 'music generation')!;
    const byOther = await ackOf(t, (await runCommand(t, OTHER, 'watch', [sub('remove', [int('id', music.id)])])).id);
    expect(byOther.data.content).toMatch(/^Only its owner/);
    const byOwner = await ackOf(t, (await runCommand(t, MEMBER, 'watch', [sub('remove', [int('id', music.id)])])).id);
    expect(byOwner.data.content).toContain('Stopped');
    expect(t.bot.context.state.watches.get(music.id)).toBeUndefined();
  });
});
