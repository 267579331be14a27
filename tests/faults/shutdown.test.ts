import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSources } from '../../src/papers/sources.js';
import { splitSentences } from '../../src/text/sentences.js';
import { registerCommands } from '../../src/bot/register.js';
import { loadBotConfig } from '../../src/config.js';
import { spawnBot, type BotProcess } from '../setup/bot-process.js';
import { runCli } from '../setup/cli.js';
import { seededDataDir, tempDir } from '../setup/engine.js';
import { startHfServer, type HfServer } from '../setup/hf-server.js';
import { SEEDS } from '../setup/paths.js';
import { ADMIN, MEMBER, OTHER, pollFor, startTwin, str, type Twin } from '../setup/twin.js';

/**
 * Stopping the bot process (README, "Stopping the bot"): a signal cancels a reload in flight and
 * abandons a daily fetch, and the process exits well inside a service manager's stop timeout; a second
 * signal exits at once; a stop that overruns its deadline exits anyway and says what was still running.
 */

/** Longer than any stop the bot promises (its deadline is 5 s), so a hang fails here, not on vitest's timeout. */
const HARNESS_EXIT_TIMEOUT_MS = 30_000;

function exitWithin(bot: BotProcess, ms = HARNESS_EXIT_TIMEOUT_MS) {
  return Promise.race([
    bot.exited,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the bot did not exit within ${ms} ms:\n${bot.output()}`)), ms).unref()),
  ]);
}

/** `count` papers of real text, recombined from the seed abstracts: enough to keep a reload embedding for a while. */
async function recombinedPapers(count: number): Promise<string> {
  const { papers } = await loadSources([SEEDS]);
  const sentences = papers.map((p) => splitSentences(p.abstract).map((s) => p.abstract.slice(s.start, s.end)));
  return Array.from({ length: count }, (_, i) => {
    const [a, b, c] = [i, i * 7 + 3, i * 13 + 5].map((n) => n % papers.length) as [number, number, number];
    const abstract = [...sentences[a]!.slice(0, 3), ...sentences[b]!.slice(3), ...sentences[c]!.slice(0, 1)].join(' ');
    return JSON.stringify({ id: `recombined-${i}`, title: `${papers[a]!.title} (${i}): ${papers[b]!.title}`.slice(0, 300), abstract, source: 'recombined' });
  }).join('\n');
}

describe('stopping the bot process', () => {
  let twin: Twin | undefined;
  let hf: HfServer | undefined;
  const bots: BotProcess[] = [];

  afterEach(async () => {
    for (const bot of bots.splice(0)) if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL');
    await hf?.close();
    await twin?.stop();
    hf = twin = undefined;
  });

  function start(env: Record<string, string>): BotProcess {
    const bot = spawnBot(twin!.twin, { DISCORD_GUILD_ID: twin!.twin.guildId, ...env });
    bots.push(bot);
    return bot;
  }

  it('SIGTERM during a large /reload with 50 /ask in flight cancels it: a clean exit before the deadline, no error, nothing committed, and the next start serves', async () => {
    twin = await startTwin();
    await registerCommands(loadBotConfig({ DISCORD_TOKEN: twin.twin.botToken, DISCORD_API_BASE: twin.twin.restUrl, DISCORD_GUILD_ID: twin.twin.guildId }));
    const dataDir = seededDataDir();
    const extra = tempDir('paperscout-extra-');
    const env = { PAPERSCOUT_DATA_DIR: dataDir, PAPERSCOUT_SOURCES: `${SEEDS},${extra}`, ASK_RATE_LIMIT_COUNT: '1000' };
    const bot = start(env);
    await bot.logged('bot ready');
    const manifest = join(dataDir, 'index', 'manifest.json');
    const committed = readFileSync(manifest, 'utf8');

    writeFileSync(join(extra, 'recombined.jsonl'), await recombinedPapers(1500));
    const reload = await twin.twin.channel(twin.channelId).user(ADMIN).runSlashCommand({ name: 'reload' });
    // The reload is embedding (so its build thread holds the index lock) once a progress line is shown.
    const token = (await twin.twin.channel(twin.channelId).getInteractionResponse(reload.id))!.interactionToken;
    await pollFor(
      async () => (twin!.requests.some((r) => r.method === 'PATCH' && r.url.includes(token) && /Embedding \d+\/\d+/.test(String(r.json?.content))) ? true : undefined),
      'the reload to be embedding',
      60_000,
    );

    // 50 questions from two members arrive together, then the signal, while they are being answered.
    const channel = twin.twin.channel(twin.channelId);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        channel.user(i % 2 ? MEMBER : OTHER).runSlashCommand({ name: 'ask', options: [str('question', `how do MLPs scale on vision tasks? (${i})`)] }),
      ),
    );
    bot.child.kill('SIGTERM');
    const { code } = await exitWithin(bot);
    expect(code, bot.output()).toBe(0);
    // Questions in flight are answered or dropped at the stop, never turned into errors or incidents.
    expect(bot.lines().filter((l) => Number(l.level) >= 50), bot.output()).toEqual([]);
    const messages = bot.lines().map((l) => l.msg);
    expect(messages).toContain('reload cancelled');
    expect(messages).toContain('stopped');
    expect(messages).not.toContain('shutdown deadline passed');
    expect(readFileSync(manifest, 'utf8')).toBe(committed);
    const status = await runCli(['index', 'status', '--json'], { dataDir, env });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ verified: true });

    // The next start builds (so it needs the index lock at once) and serves.
    writeFileSync(join(extra, 'recombined.jsonl'), (await recombinedPapers(3)) + '\n');
    const next = start(env);
    const ready = await next.logged('bot ready', HARNESS_EXIT_TIMEOUT_MS);
    expect(ready.papers).toBe(64 + 3);
    next.child.kill('SIGTERM');
    expect((await exitWithin(next)).code).toBe(0);
  }, 240_000);

  /** A bot answering an /ask whose reply Discord never takes: the stop waits on that reply in flight. */
  async function botWithStalledReply(): Promise<BotProcess> {
    twin = await startTwin();
    await registerCommands(loadBotConfig({ DISCORD_TOKEN: twin.twin.botToken, DISCORD_API_BASE: twin.twin.restUrl, DISCORD_GUILD_ID: twin.twin.guildId }));
    const bot = start({ PAPERSCOUT_DATA_DIR: seededDataDir() });
    await bot.logged('bot ready');
    const stall = { match: (method: string, url: string) => method === 'POST' && url.includes('/callback'), status: 0, times: 1, hang: true };
    twin.faults.push(stall);
    await twin.twin.channel(twin.channelId).user(MEMBER).runSlashCommand({ name: 'ask', options: [str('question', 'how do MLPs scale on vision tasks?')] });
    await pollFor(async () => (stall.times === 0 ? true : undefined), 'the bot to send its reply');
    return bot;
  }

  it('a second signal exits at once, saying so', async () => {
    const bot = await botWithStalledReply();
    bot.child.kill('SIGTERM');
    await bot.logged('shutting down');
    bot.child.kill('SIGINT');
    const { code } = await exitWithin(bot);
    expect(code, bot.output()).toBe(130);
    expect(bot.lines().find((l) => l.msg === 'second signal: exiting at once')).toMatchObject({ signal: 'SIGINT', running: 'replies in flight' });
    expect(bot.lines().map((l) => l.msg)).not.toContain('shutdown deadline passed');
  }, 120_000);

  it('a stop that overruns the deadline exits with code 1 and names what was still running', async () => {
    const bot = await botWithStalledReply();
    bot.child.kill('SIGTERM');
    const { code } = await exitWithin(bot);
    expect(code, bot.output()).toBe(1);
    const line = bot.lines().find((l) => l.msg === 'shutdown deadline passed');
    expect(line?.running, bot.output()).toBe('replies in flight');
  }, 120_000);

  it('a daily refresh waiting on a silent HF server does not hold the stop', async () => {
    twin = await startTwin();
    hf = await startHfServer();
    hf.fault('*', ...Array.from({ length: 10 }, () => ({ hang: true as const })));
    const bot = start({ PAPERSCOUT_DATA_DIR: seededDataDir(), HF_API_BASE: hf.url, REFRESH_TIME: '00:00', HF_FETCH_TIMEOUT_SECONDS: '600' });
    await bot.logged('bot ready');
    await pollFor(async () => (hf!.requests.length > 0 ? true : undefined), 'the daily refresh to ask the HF server');
    bot.child.kill('SIGTERM');
    const { code } = await exitWithin(bot);
    expect(code, bot.output()).toBe(0);
    expect(bot.lines().map((l) => l.msg)).toEqual(expect.arrayContaining(['daily refresh abandoned: the bot is stopping', 'stopped']));
  }, 120_000);
});
