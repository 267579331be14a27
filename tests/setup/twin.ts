import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DigitalDiscord } from 'discord-digital-twin';
import { ChannelType, InteractionType, PermissionFlagsBits, type APIMessage } from 'discord.js';
import { startBot, type RunningBot } from '../../src/bot/bot.js';
import { registerCommands } from '../../src/bot/register.js';
import { loadBotConfig, loadFeedConfig, type EngineConfig } from '../../src/config.js';
import { Engine } from '../../src/engine/engine.js';
import type { Logger } from '../../src/log.js';
import { quietLogger, seededDataDir, testConfig } from './engine.js';

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
}

export interface TwinBot {
  twin: DigitalDiscord;
  bot: RunningBot;
  engine: Engine;
  channelId: string;
  /** A second text channel, for daily posts. */
  dailyChannelId: string;
  /** Stops the bot and starts a new one on the same data and twin, as a process restart would. */
  restartBot(): Promise<void>;
  /** Every request the bot sent to the twin, with its JSON body, in arrival order. */
  requests: RecordedRequest[];
  faults: InjectedFault[];
  channel: ReturnType<DigitalDiscord['channel']>;
  stop(): Promise<void>;
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

/**
 * Starts a Discord twin on 127.0.0.1, the real engine over the seed, and the real bot logged in to
 * the twin, with commands registered to its guild. `stop()` tears all of it down.
 */
export async function startTwinBot(
  options: {
    env?: Record<string, string>;
    engineConfig?: EngineConfig;
    log?: Logger;
    now?: () => number;
    /** Permissions of @everyone, which the bot's own permissions come from. */
    everyonePermissions?: bigint;
    /** Seed a second server, to check that servers do not affect each other. */
    secondGuild?: boolean;
    /** The bot's token (default: the twin's own), for tests that look for it in what the bot emits. */
    botToken?: string;
  } = {},
): Promise<TwinBot> {
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
  const channelId = channels.find((c) => c.name === 'papers')!.id;
  const dailyChannelId = channels.find((c) => c.name === 'daily')!.id;

  const log = options.log ?? quietLogger();
  const engine = await Engine.open(options.engineConfig ?? testConfig(seededDataDir()), { log, buildInThread: true });
  const config = loadBotConfig({
    DISCORD_TOKEN: twin.botToken,
    DISCORD_API_BASE: twin.restUrl,
    DISCORD_GUILD_ID: twin.guildId,
    ASK_RATE_LIMIT_COUNT: '1000',
    ...options.env,
  });
  await registerCommands(config);
  // No network in tests: the daily routine talks to a local server, and only when a test ticks it.
  const feed = loadFeedConfig({ HF_API_BASE: 'http://127.0.0.1:9', HF_FETCH_RETRIES: '0', ...options.env });
  const start = () => startBot({ engine, config, feed, dataDir: engine.config.dataDir, log, now: options.now, dailyIntervalMs: 0 });
  const bot = await start();

  const harness: TwinBot = {
    twin,
    bot,
    engine,
    channelId,
    dailyChannelId,
    async restartBot() {
      await harness.bot.stop();
      harness.bot = await start();
    },
    requests,
    faults,
    channel: twin.channel(channelId),
    async stop() {
      await harness.bot.stop();
      await twin.stop();
      await twin.prisma.$disconnect();
      await engine.close();
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(dbFile + suffix, { force: true });
    },
  };
  return harness;
}

/** Runs a slash command through the raw interaction API, with `resolved` data for channel options. */
export async function runCommand(t: TwinBot, userId: string, name: string, options: Option[], resolved?: Record<string, unknown>, channelId = t.channelId) {
  const registered = await t.twin.prisma.applicationCommand.findFirstOrThrow({ where: { name } });
  const { guildId } = await t.twin.prisma.channel.findUniqueOrThrow({ where: { id: channelId } });
  return t.twin.simulateInteraction({
    type: InteractionType.ApplicationCommand,
    channelId,
    userId,
    guildId: guildId ?? undefined,
    data: { id: registered.id, name, type: 1, options, resolved },
  });
}

export function channelOption(name: string, channel: { id: string; name: string }): { option: Option; resolved: Record<string, unknown> } {
  return {
    option: { name, type: 7, value: channel.id },
    resolved: { channels: { [channel.id]: { id: channel.id, name: channel.name, type: 0, permissions: '1099511627775' } } },
  };
}

export type Option = { name: string; type: number; value: string | number | boolean };
export const str = (name: string, value: string): Option => ({ name, type: 3, value });
export const int = (name: string, value: number): Option => ({ name, type: 4, value });
export const bool = (name: string, value: boolean): Option => ({ name, type: 5, value });

export async function pollFor<T>(read: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The message an interaction produced (reply, or deferred reply once edited), once it satisfies `ready`. */
export async function replyTo(t: TwinBot, interactionId: string, ready: (m: APIMessage) => boolean = () => true): Promise<APIMessage> {
  return pollFor(async () => {
    const row = await t.channel.getInteractionResponse(interactionId);
    if (!row?.messageId) return undefined;
    const message = (await t.channel.getMessages()).find((m) => m.id === row.messageId);
    return message && ready(message) ? message : undefined;
  }, `the reply to interaction ${interactionId}`);
}

export interface CallbackData {
  content?: string;
  flags?: number;
  embeds?: APIMessage['embeds'];
  components?: APIMessage['components'];
  allowed_mentions?: unknown;
}

/** The callback an interaction was answered with (its type, and the message data of a direct reply). */
export async function ackOf(t: TwinBot, interactionId: string, channel = t.channel): Promise<{ type: number; data: CallbackData }> {
  // The twin stores the callback body as a JSON string; its published types leave that field out.
  const ack = (await channel.waitForInteractionAck({ interactionId })) as { type: number; data?: string | null };
  return { type: ack.type, data: JSON.parse(ack.data ?? '{}') as CallbackData };
}

/** The custom_id of every button in a message, in order. */
export function customIdsOf(m: { components?: APIMessage['components'] }): string[] {
  const rows = (m.components ?? []) as { components?: { custom_id?: string }[] }[];
  return rows.flatMap((row) => row.components ?? []).map((c) => c.custom_id ?? '');
}

export async function autocomplete(t: TwinBot, userId: string, command: string, option: string, typed: string) {
  const registered = await t.twin.prisma.applicationCommand.findFirstOrThrow({ where: { name: command } });
  const { id } = await t.twin.simulateInteraction({
    type: InteractionType.ApplicationCommandAutocomplete,
    channelId: t.channelId,
    userId,
    data: { id: registered.id, name: command, type: 1, options: [{ name: option, type: 3, value: typed, focused: true }] },
  });
  const { type, data } = await ackOf(t, id);
  return { type, choices: (data as { choices?: { name: string; value: string }[] }).choices ?? [] };
}

// ---------------------------------------------------------------------------------------------
// Helpers for the hardening tests (faults, load, security). The gateway ones reach into the twin's
// internals (`server.gateway`): 0.1.1 has no public API to drop a connection, and ignores RESUME.

interface TwinSocket {
  close(code?: number): void;
  on(event: 'message', listener: (raw: Buffer) => void): void;
}
interface TwinGatewayClient {
  ws: TwinSocket;
  identified: boolean;
  sequence: number;
  sessionId: string;
}
interface TwinGateway {
  clients: TwinGatewayClient[];
  wss: { on(event: 'connection', listener: (ws: TwinSocket) => void): void };
  sendDispatch(client: TwinGatewayClient, event: string, data: unknown): void;
}

function gatewayOf(t: TwinBot): TwinGateway {
  return (t.twin as unknown as { server: { gateway: TwinGateway } }).server.gateway;
}

/** Closes the bot's gateway socket(s) from the server side with `code`; returns the closed sockets. */
export function dropGateway(t: TwinBot, code: number): Set<TwinSocket> {
  const closed = new Set(gatewayOf(t).clients.map((c) => c.ws));
  for (const ws of closed) ws.close(code);
  return closed;
}

/** Waits until a gateway session other than the `closed` ones is identified (or resumed). */
export async function waitForGateway(t: TwinBot, closed: Set<TwinSocket> = new Set(), timeoutMs = 30_000): Promise<void> {
  await pollFor(
    async () => (gatewayOf(t).clients.some((c) => c.identified && !closed.has(c.ws)) ? true : undefined),
    'the bot to reconnect to the gateway',
    timeoutMs,
  );
}

const resumable = new WeakSet<object>();
/**
 * Teaches the twin RESUME (op 6), which 0.1.1 ignores: the session is marked identified again and
 * gets RESUMED, so discord.js's resume after close codes such as 4000 completes. Idempotent.
 */
export function enableGatewayResume(t: TwinBot): void {
  const gw = gatewayOf(t);
  if (resumable.has(gw)) return;
  resumable.add(gw);
  gw.wss.on('connection', (ws) =>
    ws.on('message', (raw) => {
      const payload = JSON.parse(String(raw)) as { op: number; d?: { seq?: number; session_id?: string } };
      if (payload.op !== 6) return;
      const client = gw.clients.find((c) => c.ws === ws);
      if (!client) return;
      client.identified = true;
      client.sequence = payload.d?.seq ?? client.sequence;
      gw.sendDispatch(client, 'RESUMED', {});
    }),
  );
}

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
