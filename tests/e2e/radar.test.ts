import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type Run } from '../setup/cli.js';
import { tempDir, testConfig } from '../setup/engine.js';
import { startHfServer, type HfServer } from '../setup/hf-server.js';
import { hubRepo, startHubServer, type HubServer } from '../setup/hub-server.js';
import { hasRealDays, realDays } from '../setup/real-days.js';
import { ackOf, ADMIN, bool, MEMBER, OTHER, pollFor, replyTo, runCommand, startTwinBot, str, type TwinBot } from '../setup/twin.js';

/**
 * The group's radar on real days: a backfill with `fetch --since` from a local Hugging Face-shaped
 * server, then the bot over what it indexed, with a local Hub for the models, datasets and Spaces.
 */
const DAYS = ['2025-03-06', '2025-03-07', '2025-03-10'];
const ROBOTICS = ['2503.01729', '2503.01378']; // FLAME (robotic manipulation), CognitiveDrone (VLA)
const BEHAVIOR = '2503.05652'; // BEHAVIOR Robot Suite: GitHub and project page, on 2025-03-10
const BABEL = '2503.00865'; // Babel: multilingual LLMs

const dateOf = (request: string) => new URL(request, 'http://x').searchParams.get('date');

describe.skipIf(!hasRealDays)('radar on real days', () => {
  let hf: HfServer;
  let hub: HubServer;
  let t: TwinBot;
  let dataDir: string;
  let first: Run;
  let second: Run;
  const env = () => ({ HF_API_BASE: hf.url, HF_FETCH_RETRIES: '0', HF_BACKFILL_DELAY_MS: '0', PAPERSCOUT_SOURCES: join(dataDir, 'sources') });
  // Read only when the suite runs: describe.skipIf still collects its body.
  const items = hasRealDays ? realDays(DAYS) : {};

  beforeAll(async () => {
    hf = await startHfServer(items);
    hub = await startHubServer({ [BEHAVIOR]: { models: [hubRepo('behavior-robot-suite/brs-policy', 12), hubRepo('someone/brs-finetune', 3)], datasets: [hubRepo('behavior-robot-suite/demos', 7)] } });
    dataDir = tempDir();
    mkdirSync(join(dataDir, 'sources'));
    // The first backfill loses 2025-03-10 to an outage; the second resumes and fetches only that day.
    hf.fault('2025-03-10', { status: 503 });
    first = await runCli(['fetch', '--since', '2025-03-06', '--date', '2025-03-10'], { dataDir, env: env(), timeoutMs: 110_000 });
    second = await runCli(['fetch', '--since', '2025-03-06', '--date', '2025-03-10'], { dataDir, env: env(), timeoutMs: 110_000 });
    t = await startTwinBot({
      engineConfig: testConfig(dataDir, { PAPERSCOUT_SOURCES: join(dataDir, 'sources') }),
      env: { HF_HUB_API_BASE: hub.url, HF_HUB_TIMEOUT_SECONDS: '1' },
      secondGuild: true,
    });
  }, 300_000);
  afterAll(async () => {
    await t?.stop();
    await hf?.close();
    await hub?.close();
  });

  it('backfills every day since a date, paced, with a progress bar, indexing once at the end', () => {
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^2025-03-10: failed \(HTTP 503\); nothing changed$/m);
    expect(first.stdout).toContain('Backfill: 2 day(s) fetched (25 papers), 2 without a list, 0 already stored or known empty, 1 failed');
    expect(first.stderr).toMatch(/^Fetching 5\/5 ▰▰▰▰▰▰▰▰▰▰ 100%$/m);
    // Every day is fetched before the one build, which saves once.
    expect(first.stderr.indexOf('Fetching 5/5')).toBeLessThan(first.stderr.indexOf('Embedding'));
    expect(first.stderr.match(/^Saving \d+\/\d+/gm)).toHaveLength(1);
    expect(first.stdout).toMatch(/^Index updated in .*: 25 papers \(25 added/m);
  });

  it('resumes where it stopped: stored days and days without a list are not asked for again', () => {
    expect(hf.requests.map(dateOf)).toEqual(['2025-03-06', '2025-03-07', '2025-03-08', '2025-03-09', '2025-03-10', '2025-03-10']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Backfill: 1 day(s) fetched (13 papers), 4 already stored or known empty.');
    expect(second.stdout).toMatch(/^Index updated in .*: 38 papers \(13 added/m);
    expect(t.engine.trending().days).toEqual(['2025-03-10', '2025-03-07', '2025-03-06']);
  });

  it('/paper shows the repository, the project page and the Hub models and datasets citing the paper', async () => {
    const { id } = await t.channel.user(MEMBER).runSlashCommand({ name: 'paper', options: [str('query', BEHAVIOR)] });
    const shown = await replyTo(t, id, (m) => Boolean(m.embeds[0]?.fields?.some((f) => f.name.startsWith('Models'))));
    const fields = new Map(shown.embeds[0]!.fields!.map((f) => [f.name, f.value]));
    expect(fields.get('Code')).toBe('[behavior\\-robot\\-suite/brs\\-algo](https://github.com/behavior-robot-suite/brs-algo) · [project page](https://behavior-robot-suite.github.io/)');
    expect(fields.get('Models citing it (2)')).toBe(
      '[behavior\\-robot\\-suite/brs\\-policy](https://huggingface.co/behavior-robot-suite/brs-policy) ♥ 12\n[someone/brs\\-finetune](https://huggingface.co/someone/brs-finetune) ♥ 3',
    );
    expect(fields.get('Datasets citing it (1)')).toContain('(https://huggingface.co/datasets/behavior-robot-suite/demos) ♥ 7');
    expect([...fields.keys()].some((name) => name.startsWith('Spaces'))).toBe(false);
    expect(hub.requests.filter((r) => r.includes(`arxiv%3A${BEHAVIOR}`))).toHaveLength(3);

    // Asked again, it answers from data/hub/ at once.
    const again = await ackOf(t, (await t.channel.user(MEMBER).runSlashCommand({ name: 'paper', options: [str('query', BEHAVIOR)] })).id);
    expect(again.data.embeds![0]!.fields!.some((f) => f.name === 'Models citing it (2)')).toBe(true);
    expect(hub.requests.filter((r) => r.includes(`arxiv%3A${BEHAVIOR}`))).toHaveLength(3);
  });

  it('/ask has_code:true keeps only papers with a repository', async () => {
    const withCode = new Set(Object.values(items).flat().flatMap((i) => ((i as { paper: { githubRepo?: string; id: string } }).paper.githubRepo ? [(i as { paper: { id: string } }).paper.id] : [])));
    const idsOf = (m: { embeds: { url?: string }[] }) => m.embeds.map((e) => e.url!.replace('https://arxiv.org/abs/', ''));
    const question = 'training robots to manipulate objects';
    const plain = await runCommand(t, MEMBER, 'ask', [str('question', question), { name: 'results', type: 4, value: 10 }]);
    const all = idsOf(await replyTo(t, plain.id, (m) => m.embeds.length > 0));
    expect(all.some((id) => !withCode.has(id))).toBe(true);
    const filtered = await runCommand(t, MEMBER, 'ask', [str('question', question), { name: 'results', type: 4, value: 10 }, bool('has_code', true)]);
    const page = await replyTo(t, filtered.id, (m) => m.embeds.length > 0);
    expect(idsOf(page).length).toBeGreaterThan(0);
    expect(idsOf(page).every((id) => withCode.has(id))).toBe(true);
    expect(page.embeds.every((e) => e.fields!.find((f) => f.name === 'Links')!.value.includes('[GitHub](https://github.com/'))).toBe(true);
  });

  it('/recommend gives a member papers like the ones they upvoted, saying which', async () => {
    for (const paper of ROBOTICS) await t.bot.context.votes.toggle(t.twin.guildId, MEMBER, paper, new Date());
    const reply = await replyTo(t, (await runCommand(t, MEMBER, 'recommend', [])).id, (m) => m.embeds.length > 0);
    const embed = reply.embeds[0]!;
    expect(embed.title).toBe('Recommended for you · last 30 day(s)');
    expect(embed.footer?.text).toBe('learned from your 2 upvote(s) in this server only');
    const entries = embed.description!.split('\n\n');
    expect(entries).toHaveLength(5);
    for (const paper of ROBOTICS) expect(embed.description).not.toContain(`abs/${paper})`);
    expect(entries.slice(0, 3).some((e) => e.includes(`abs/${BEHAVIOR})`))).toBe(true);
    for (const entry of entries) expect(entry).toMatch(/\nlike «(FLAME|CognitiveDrone).*», which you upvoted\./);

    const none = await replyTo(t, (await runCommand(t, OTHER, 'recommend', [])).id);
    expect(none.content).toMatch(/^You have not upvoted any paper in this server yet\./);
  });

  it("keeps each server's taste to itself", async () => {
    const otherGuild = t.twin.guildIds[1]!;
    const otherChannel = (await t.twin.prisma.channel.findFirstOrThrow({ where: { guildId: otherGuild } })).id;
    const recommendHere = async () => (await replyTo(t, (await runCommand(t, MEMBER, 'recommend', [])).id, (m) => m.embeds.length > 0)).embeds;
    const before = await recommendHere();

    // The same member, in another server: none of their votes here count there.
    const there = await runCommand(t, MEMBER, 'recommend', [], undefined, otherChannel);
    const reply = await pollFor(async () => {
      const row = await t.twin.channel(otherChannel).getInteractionResponse(there.id);
      return (await t.twin.channel(otherChannel).getMessages()).find((m) => m.id === row?.messageId && m.content);
    }, 'the reply in the other server');
    expect(reply.content).toMatch(/^You have not upvoted any paper in this server yet\./);
    expect(t.bot.context.engine.tasteScorer(t.bot.context.votes.list(otherGuild).map((v) => v.paperId))).toBeUndefined();

    // Votes cast there, by anyone, change nothing here: not the member's recommendations, not the server's ranking.
    const serverHere = async () => (await ackOf(t, (await runCommand(t, ADMIN, 'trending', [str('scope', 'server')])).id)).data.embeds;
    const rankingBefore = await serverHere();
    for (const user of [MEMBER, OTHER, ADMIN]) await t.bot.context.votes.toggle(otherGuild, user, BABEL, new Date());
    await t.bot.context.votes.toggle(otherGuild, MEMBER, ROBOTICS[0]!, new Date());
    expect(await recommendHere()).toEqual(before);
    expect(await serverHere()).toEqual(rankingBefore);
    expect(rankingBefore![0]!.description).not.toContain(BABEL);
  });

  it('shows the paper without the Hub when the Hub fails, with a one-line note', async () => {
    hub.fault(...Array.from({ length: 6 }, () => ({ status: 500 })));
    const { id } = await t.channel.user(MEMBER).runSlashCommand({ name: 'paper', options: [str('query', BABEL)] });
    const shown = await replyTo(t, id, (m) => Boolean(m.embeds[0]?.footer?.text.includes('Hub')));
    const embed = shown.embeds[0]!;
    expect(embed.title).toMatch(/^Babel\\: Open Multilingual Large Language Models/);
    expect(embed.footer!.text).toBe(`${BABEL} · Hugging Face Hub unreachable: models, datasets and Spaces not shown`);
    expect(embed.fields!.some((f) => /citing it|On the Hugging Face Hub/.test(f.name))).toBe(false);
    expect(embed.fields!.find((f) => f.name === 'Code')!.value).toContain('github.com');
  });
});
