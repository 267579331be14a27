/**
 * A local Discord (discord-digital-twin) with the project's guild and members, and the real bot and
 * engine logged in to it. Shared by the e2e tests (through tests/setup/twin.ts, which adds the
 * seed index and the test-only helpers) and the bot benchmark; nothing here depends on vitest.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DigitalDiscord } from 'discord-digital-twin';
import { ChannelType, PermissionFlagsBits } from 'discord.js';
import { startBot, type RunningBot } from '../../src/bot/bot.js';
import { registerCommands } from '../../src/bot/register.js';
import { loadBotConfig, loadFeedConfig, type EngineConfig } from '../../src/config.js';
import { Engine } from '../../src/engine/engine.js';
import { createLogger, type Logger } from '../../src/log.js';

export const ADMIN = '200000000000000001';
export const MEMBER = '200000000000000002';
export const OTHER = '200000000000000003';

export interface RecordedRequest {
  at: number;
  method: string;
  url: string;
  json?: Record<string, unknown>;
}

/** A fault the twin answers instead of handling a request: for 429 and 5xx tests. */
export interface InjectedFault {
  match: (method: string, url: string) => boolean;
  status: number;
  times: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Leave the request unanswered instead (`status` is then unused): a Discord that stalls. */
  hang?: boolean;
}

/** Sees every request body before the twin handles it (the twin does not store allowed_mentions). */
export function tapRequests(server: Server, requests: RecordedRequest[], faults: InjectedFault[]): void {
  const [handler] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const fault = faults.find((f) => f.times > 0 && f.match(req.method ?? '', req.url ?? ''));
    if (fault) {
      fault.times--;
      req.resume();
      if (fault.hang) return;
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(JSON.stringify(fault.body ?? { message: 'injected fault', code: 0 }));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let json: Record<string, unknown> | undefined;
      try {
        json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      } catch {
        json = undefined;
      }
      requests.push({ at: Date.now(), method: req.method ?? '', url: req.url ?? '', json });
    });
    handler!(req, res);
  });
}

export interface Twin {
  twin: DigitalDiscord;
  channelId: string;
  /** A second text channel, for daily posts. */
  dailyChannelId: string;
  /** Every request the bot sent to the twin, with its JSON body, in arrival order. */
  requests: RecordedRequest[];
  faults: InjectedFault[];
  stop(): Promise<void>;
}

export interface TwinOptions {
  /** Permissions of @everyone, which the bot's own permissions come from. */
  everyonePermissions?: bigint;
  /** Seed a second server, to check that servers do not affect each other. */
  secondGuild?: boolean;
  /** The bot's token (default: the twin's own), for tests that look for it in what the bot emits. */
  botToken?: string;
}

/** Starts a twin on 127.0.0.1: a guild with #papers and #daily, an admin and two members, requests tapped. */
export async function startTwin(options: TwinOptions = {}): Promise<Twin> {
  const dbFile = join(tmpdir(), `paperscout-twin-${randomUUID()}.db`);
  const twin = new DigitalDiscord({
    guilds: [
      { name: 'ML Reading Group', channels: [{ name: 'papers', type: ChannelType.GuildText }, { name: 'daily', type: ChannelType.GuildText }] },
      ...(options.secondGuild ? [{ name: 'Other Lab', channels: [{ name: 'general', type: ChannelType.GuildText }] }] : []),
    ],
    users: [
      { id: ADMIN, username: 'admin' },
      { id: MEMBER, username: 'member' },
      { id: OTHER, username: 'other' },
    ],
    ...(options.botToken ? { botToken: options.botToken } : {}),
    dbUrl: `file:${dbFile}`,
  });
  await twin.start();
  const requests: RecordedRequest[] = [];
  const faults: InjectedFault[] = [];
  tapRequests((twin as unknown as { server: { httpServer: Server } }).server.httpServer, requests, faults);

  const member = (guildId: string, userId: string, bits: bigint) =>
    twin.prisma.guildMember.update({ where: { guildId_userId: { guildId, userId } }, data: { permissions: String(bits) } });
  const basic = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages;
  for (const guildId of twin.guildIds) {
    await member(guildId, ADMIN, PermissionFlagsBits.ManageGuild | basic);
    await member(guildId, MEMBER, basic);
    await member(guildId, OTHER, basic);
    if (options.everyonePermissions !== undefined) {
      await twin.prisma.role.update({ where: { id: guildId }, data: { permissions: String(options.everyonePermissions) } });
    }
  }
  const channels = await twin.prisma.channel.findMany({ where: { guildId: twin.guildId }, orderBy: { name: 'desc' } });
  return {
    twin,
    channelId: channels.find((c) => c.name === 'papers')!.id,
    dailyChannelId: channels.find((c) => c.name === 'daily')!.id,
    requests,
    faults,
    async stop() {
      await twin.stop();
      await twin.prisma.$disconnect();
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(dbFile + suffix, { force: true });
    },
  };
}

/**
 * The real bot and engine logged in to a twin (`restUrl`, `botToken`, `guildId`), with commands
 * registered to its guild. No network: the daily routine and the Hub lookups talk to a closed local port unless
 * `env` says otherwise, and runs only when ticked.
 */
export async function startBotOn(
  twin: { restUrl: string; botToken: string; guildId: string },
  options: { engineConfig: EngineConfig; env?: Record<string, string>; log?: Logger; now?: () => number },
): Promise<{ engine: Engine; start: () => Promise<RunningBot> }> {
  const log = options.log ?? createLogger({ level: 'silent' });
  const engine = await Engine.open(options.engineConfig, { log, buildInThread: true });
  const config = loadBotConfig({
    DISCORD_TOKEN: twin.botToken,
    DISCORD_API_BASE: twin.restUrl,
    DISCORD_GUILD_ID: twin.guildId,
    ASK_RATE_LIMIT_COUNT: '1000',
    ...options.env,
  });
  await registerCommands(config).catch(async (error: unknown) => {
    await engine.close();
    throw error;
  });
  const feed = loadFeedConfig({ HF_API_BASE: 'http://127.0.0.1:9', HF_HUB_API_BASE: 'http://127.0.0.1:9', HF_FETCH_RETRIES: '0', ...options.env });
  const start = () => startBot({ engine, config, feed, dataDir: engine.config.dataDir, log, now: options.now, dailyIntervalMs: 0 });
  return { engine, start };
}

export interface TwinBot {
  twin: DigitalDiscord;
  bot: RunningBot;
  engine: Engine;
  channelId: string;
  /** A second text channel, for daily posts. */
  dailyChannelId: string;
  /**
   * Stops the bot and starts a new one on the same data and twin, as a process restart would;
   * `whileDown` runs in between, as a command run while the bot is stopped.
   */
  restartBot(whileDown?: () => Promise<void>): Promise<void>;
  /** Every request the bot sent to the twin, with its JSON body, in arrival order. */
  requests: RecordedRequest[];
  faults: InjectedFault[];
  channel: ReturnType<DigitalDiscord['channel']>;
  stop(): Promise<void>;
}

export interface TwinBotOptions extends TwinOptions {
  env?: Record<string, string>;
  engineConfig: EngineConfig;
  log?: Logger;
  now?: () => number;
}

/** A twin, and the real bot and engine logged in to it. `stop()` tears all of it down. */
export async function startTwinBot(options: TwinBotOptions): Promise<TwinBot> {
  const t = await startTwin(options);
  const { engine, start } = await startBotOn(t.twin, options);
  const bot = await start();
  const harness: TwinBot = {
    twin: t.twin,
    bot,
    engine,
    channelId: t.channelId,
    dailyChannelId: t.dailyChannelId,
    async restartBot(whileDown) {
      await harness.bot.stop();
      await whileDown?.();
      harness.bot = await start();
    },
    requests: t.requests,
    faults: t.faults,
    channel: t.twin.channel(t.channelId),
    async stop() {
      await harness.bot.stop();
      await t.stop();
      await engine.close();
    },
  };
  return harness;
}

export type Option = { name: string; type: number; value: string | number | boolean };
export const str = (name: string, value: string): Option => ({ name, type: 3, value });
export const int = (name: string, value: number): Option => ({ name, type: 4, value });
export const bool = (name: string, value: boolean): Option => ({ name, type: 5, value });

/** Creates `n` more members of the first guild with ordinary permissions; returns their ids. Can be called again. */
export async function addUsers({ twin }: { twin: DigitalDiscord }, n: number, permissions = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages): Promise<string[]> {
  const existing = await twin.prisma.user.count();
  const ids = Array.from({ length: n }, (_, i) => String(300000000000000000n + BigInt(existing + i + 1)));
  for (const [i, id] of ids.entries()) {
    await twin.prisma.user.create({ data: { id, username: `reader${existing + i + 1}`, globalName: `Reader ${existing + i + 1}` } });
    await twin.prisma.guildMember.create({ data: { guildId: twin.guildId, userId: id, permissions: String(permissions) } });
  }
  return ids;
}
