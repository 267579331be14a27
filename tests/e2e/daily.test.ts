import { PermissionFlagsBits } from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REFRESH_RETRY_MS } from '../../src/bot/daily/daily-service.js';
import { capturingLogger, seededDataDir, testConfig } from '../setup/engine.js';
import { fixtureDays, startHfServer, type HfServer } from '../setup/hf-server.js';
import { ackOf, ADMIN, channelOption, customIdsOf, int, MEMBER, OTHER, pollFor, replyTo, runCommand, startTwinBot, str, type TwinBot } from '../setup/twin.js';

const at = (iso: string) => Date.parse(iso);
const EPHEMERAL = 64;


describe('the daily feed in the bot, on simulated time', () => {
  let hf: HfServer;
  let t: TwinBot;
  let now = at('2025-03-14T05:00:00Z');
  const capture = capturingLogger('info');

  const dailyPosts = async () =>
    (await t.twin.channel(t.dailyChannelId).getMessages()).filter((m) => m.content.startsWith('📰 **Today\'s papers**'));
  const tickAt = async (iso: string) => {
    now = at(iso);
    await t.bot.daily.tick();
  };

  beforeAll(async () => {
    hf = await startHfServer();
    t = await startTwinBot({
      engineConfig: testConfig(seededDataDir()),
      env: { HF_API_BASE: hf.url, REFRESH_TIME: '06:00', REFRESH_TIMEZONE: 'UTC', REFRESH_DAYS: '2', HF_FETCH_RETRIES: '1' },
      now: () => now,
      log: capture.log,
      secondGuild: true,
    });
  });
  afterAll(async () => {
    await t?.stop();
    await hf?.close();
  });

  it('fetches the new days at the refresh time, once, and serves them in /trending and /ask without a restart', async () => {
    await tickAt('2025-03-14T05:59:00Z');
    expect(hf.requests).toEqual([]);

    await tickAt('2025-03-14T06:00:00Z');
    expect(hf.requests.map((r) => new URL(r, 'http://x').searchParams.get('date'))).toEqual(['2025-03-13', '2025-03-14']);
    expect(t.engine.stats().papers).toBe(72);

    const trending = await ackOf(t, (await t.channel.user(MEMBER).runSlashCommand({ name: 'trending' })).id);
    expect(trending.data.embeds![0]!.title).toBe('Daily papers · 2025-03-14');
    expect(trending.data.embeds![0]!.footer?.text).toBe('1–3 of 3 · ranked by upvotes');
    expect(trending.data.embeds![0]!.description).toMatch(/^\*\*1\.\*\* \[Speculative Decoding.*▲ 151/);
    expect(trending.data.embeds![0]!.description).toContain('structured drafts verified in one pass make LLM decoding');

    const { id } = await t.channel.user(MEMBER).runSlashCommand({ name: 'ask', options: [str('question', 'how can I make LLM decoding faster with a small draft model?')] });
    const answer = await replyTo(t, id, (m) => m.embeds.length > 0);
    expect(answer.embeds[0]!.url).toBe('https://arxiv.org/abs/2503.09003');

    await tickAt('2025-03-14T18:00:00Z');
    expect(hf.requests).toHaveLength(2);
  });

  it('keeps serving through a Hugging Face outage and retries later, not every minute', async () => {
    hf.fault('*', ...Array.from({ length: 4 }, () => ({ status: 503 })));
    const before = hf.requests.length;
    await tickAt('2025-03-15T06:00:00Z');
    expect(hf.requests.length - before).toBe(4);
    expect(t.engine.stats().papers).toBe(72);
    expect(capture.lines().some((l) => String(l.msg).startsWith('daily refresh failed'))).toBe(true);

    const { id } = await t.channel.user(MEMBER).runSlashCommand({ name: 'ask', options: [str('question', 'how do MLPs scale on vision tasks?')] });
    expect((await replyTo(t, id, (m) => m.embeds.length > 0)).embeds[0]!.url).toBe('https://arxiv.org/abs/2306.13575');

    await tickAt('2025-03-15T06:05:00Z');
    expect(hf.requests.length - before).toBe(4);
    hf.setDay('2025-03-15', fixtureDays()['2025-03-13']!.slice(0, 2));
    await tickAt(new Date(at('2025-03-15T06:00:00Z') + REFRESH_RETRY_MS + 60_000).toISOString());
    expect(hf.requests.length - before).toBe(6);
    expect(t.engine.trending().date).toBe('2025-03-15');
  });

  it('lets only admins subscribe, and confirms privately', async () => {
    const { option, resolved } = channelOption('channel', { id: t.dailyChannelId, name: 'daily' });
    const refused = await ackOf(t, (await runCommand(t, MEMBER, 'subscribe', [option], resolved)).id);
    expect(refused.data.content).toContain('Only server admins');
    expect(t.bot.context.state.subscriptions.all().size).toBe(0);

    now = at('2025-03-16T07:00:00Z');
    const ok = await ackOf(t, (await runCommand(t, ADMIN, 'subscribe', [option, str('time', '08:00'), int('limit', 5)], resolved)).id);
    expect(ok.data.flags).toBe(EPHEMERAL);
    expect(ok.data.content).toBe(`📰 I'll post the day's top 5 papers in <#${t.dailyChannelId}> every day at 08:00 (UTC), starting today.`);
    expect(t.bot.context.state.subscriptions.get(t.twin.guildId)).toMatchObject({ channelId: t.dailyChannelId, subscribedBy: ADMIN, limit: 5 });
  });

  it('posts exactly once a day at the subscribed time', async () => {
    hf.setDay('2025-03-16', fixtureDays()['2025-03-14']!);
    await tickAt('2025-03-16T07:59:00Z');
    expect(await dailyPosts()).toHaveLength(0);
    await tickAt('2025-03-16T08:00:00Z');
    await tickAt('2025-03-16T08:01:00Z');
    await tickAt('2025-03-16T23:59:00Z');
    const posts = await dailyPosts();
    expect(posts).toHaveLength(1);
    expect(posts[0]!.embeds[0]!.title).toBe('Daily papers · 2025-03-16');
    expect(customIdsOf(posts[0]!)).toContain('vote:2503.09003');

    hf.setDay('2025-03-17', fixtureDays()['2025-03-13']!);
    await tickAt('2025-03-17T08:30:00Z');
    await tickAt('2025-03-17T09:30:00Z');
    expect((await dailyPosts()).map((p) => p.embeds[0]!.title)).toEqual(['Daily papers · 2025-03-16', 'Daily papers · 2025-03-17']);
  });

  it('posts a missed day once after a restart, never twice', async () => {
    hf.setDay('2025-03-18', fixtureDays()['2025-03-14']!);
    // Down at 08:00 on the 18th; back at 10:00.
    now = at('2025-03-18T10:00:00Z');
    await t.restartBot();
    expect(t.bot.context.state.subscriptions.get(t.twin.guildId)?.lastPostedOn).toBe('2025-03-17');
    await t.bot.daily.tick();
    await tickAt('2025-03-18T10:01:00Z');
    await t.restartBot();
    await tickAt('2025-03-18T11:00:00Z');
    const titles = (await dailyPosts()).map((p) => p.embeds[0]!.title);
    expect(titles.filter((title) => title === 'Daily papers · 2025-03-18')).toHaveLength(1);
  });

  it('retries a post that failed for a passing reason, and reports one it cannot make', async () => {
    hf.setDay('2025-03-19', fixtureDays()['2025-03-13']!);
    const posting = (method: string, url: string) => method === 'POST' && url.includes(`/channels/${t.dailyChannelId}/messages`);
    // discord.js retries a 5xx three times itself; a fourth failure reaches paperscout.
    t.faults.push({ match: posting, status: 500, times: 4 });
    await tickAt('2025-03-19T08:00:00Z');
    expect((await dailyPosts()).filter((p) => p.embeds[0]!.title === 'Daily papers · 2025-03-19')).toHaveLength(0);
    await tickAt('2025-03-19T08:01:00Z');
    expect((await dailyPosts()).filter((p) => p.embeds[0]!.title === 'Daily papers · 2025-03-19')).toHaveLength(1);

    hf.setDay('2025-03-20', fixtureDays()['2025-03-14']!);
    t.faults.push({ match: posting, status: 403, times: 10, body: { code: 50013, message: 'Missing Permissions' } });
    await tickAt('2025-03-20T08:00:00Z');
    await tickAt('2025-03-20T08:01:00Z');
    const warning = capture.lines().find((l) => String(l.msg).startsWith('cannot post the daily list'));
    expect(warning).toMatchObject({ guildId: t.twin.guildId, channelId: t.dailyChannelId, subscribedBy: ADMIN, permanent: true });
    expect(String(warning!.msg)).toContain(`user ${ADMIN}`);
    expect(t.bot.context.state.subscriptions.get(t.twin.guildId)!.lastError).toMatch(/Missing Permissions/);
    expect(t.faults.at(-1)!.times).toBe(9);
    t.faults.length = 0;
  });

  it('counts 👍 votes per server, toggles them, and ranks /trending scope:server by them', async () => {
    const reply = await ackOf(t, (await t.channel.user(MEMBER).runSlashCommand({ name: 'trending', options: [str('date', '2025-03-13')] })).id);
    const message = (await t.channel.getMessages()).at(-1)!;
    expect(customIdsOf(reply.data)).toContain('vote:2503.09001');
    const vote = async (user: string, paper: string) => (await ackOf(t, (await t.channel.user(user).clickButton({ messageId: message.id, customId: `vote:${paper}` })).id)).data;

    expect((await vote(MEMBER, '2503.09001')).content).toMatch(/^👍 Vote counted for \*\*Protein Language Models.*\*\*: 1 in this server\.$/);
    expect((await vote(OTHER, '2503.09001')).content).toMatch(/: 2 in this server\./);
    await vote(MEMBER, '2503.09002');
    await vote(ADMIN, '2503.09002');
    expect((await vote(ADMIN, '2503.09002')).content).toMatch(/^Vote removed from .*: 1 in this server\.$/);

    const server = await ackOf(t, (await t.channel.user(MEMBER).runSlashCommand({ name: 'trending', options: [str('scope', 'server'), int('days', 7)] })).id);
    const lines = server.data.embeds![0]!.description!.split('\n\n');
    expect(server.data.embeds![0]!.title).toBe('Top papers in this server · last 7 day(s)');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\*\*1\.\*\* \[Protein Language Models.*👍 2/);
    expect(lines[1]).toMatch(/^\*\*2\.\*\* \[VideoDiff.*👍 1/);

    const paper = await ackOf(t, (await t.channel.user(MEMBER).runSlashCommand({ name: 'paper', options: [str('query', '2503.09001')] })).id);
    expect(paper.data.embeds![0]!.fields!.find((f) => f.name === 'Votes in this server')!.value).toBe('👍 2');

    // Votes older than the window do not count.
    now += 8 * 86_400_000;
    const later = await ackOf(t, (await t.channel.user(MEMBER).runSlashCommand({ name: 'trending', options: [str('scope', 'server')] })).id);
    expect(later.data.content).toMatch(/^No votes in this server in the last 7 day/);
  });

  it("never lets one server's votes change another's ranking", async () => {
    const otherGuild = t.twin.guildIds[1]!;
    const otherChannel = (await t.twin.prisma.channel.findFirstOrThrow({ where: { guildId: otherGuild } })).id;
    now = at('2025-03-21T12:00:00Z');
    const serverTrending = async () =>
      (await ackOf(t, (await t.channel.user(MEMBER).runSlashCommand({ name: 'trending', options: [str('scope', 'server')] })).id)).data;
    const before = await serverTrending();
    expect(before.embeds![0]!.description).toContain('👍');

    const list = await runCommand(t, MEMBER, 'trending', [str('date', '2025-03-13')], undefined, otherChannel);
    await t.twin.channel(otherChannel).waitForInteractionAck({ interactionId: list.id });
    const message = (await t.twin.channel(otherChannel).getMessages()).at(-1)!;
    for (const user of [MEMBER, OTHER, ADMIN]) {
      await t.twin.channel(otherChannel).user(user).clickButton({ messageId: message.id, customId: 'vote:2503.09006', guildId: otherGuild });
    }
    await pollFor(async () => (t.bot.context.votes.count(otherGuild, '2503.09006') === 3 ? true : undefined), 'the votes');

    expect((await serverTrending()).embeds).toEqual(before.embeds);
    expect(t.bot.context.votes.count(t.twin.guildId, '2503.09006')).toBe(0);
    const there = await runCommand(t, MEMBER, 'trending', [str('scope', 'server')], undefined, otherChannel);
    const thereAck = await ackOf(t, there.id, t.twin.channel(otherChannel));
    const lines = thereAck.data.embeds![0]!.description!.split('\n\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Sparse Autoencoders.*👍 3/);
  });

  it('stops the daily post with /unsubscribe', async () => {
    const reply = await ackOf(t, (await runCommand(t, ADMIN, 'unsubscribe', [])).id);
    expect(reply.data.content).toBe(`Stopped the daily post in <#${t.dailyChannelId}>.`);
    expect(t.bot.context.state.subscriptions.all().size).toBe(0);
    const again = await ackOf(t, (await runCommand(t, ADMIN, 'unsubscribe', [])).id);
    expect(again.data.content).toBe('This server has no daily post.');
  });
});

describe('subscribing where the bot cannot post', () => {
  let t: TwinBot;
  afterEach(async () => {
    await t?.stop();
  });

  it('warns the admin at once', async () => {
    t = await startTwinBot({ everyonePermissions: PermissionFlagsBits.ViewChannel });
    const { option, resolved } = channelOption('channel', { id: t.dailyChannelId, name: 'daily' });
    const reply = await ackOf(t, (await runCommand(t, ADMIN, 'subscribe', [option], resolved)).id);
    expect(reply.data.flags).toBe(EPHEMERAL);
    expect(reply.data.content).toContain("⚠️ I can't post in");
    expect(reply.data.content).toContain('Send Messages, Embed Links');
  });
});
