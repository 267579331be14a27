import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DigitalDiscord } from 'discord-digital-twin';
import { ChannelType, InteractionType, PermissionFlagsBits, type APIMessage } from 'discord.js';
import { startBot, type RunningBot } from '../../src/bot/bot.js';
import { registerCommands } from '../../src/bot/register.js';
import { loadBotConfig, type EngineConfig } from '../../src/config.js';
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
  /** Every request the bot sent to the twin, with its JSON body, in arrival order. */
  requests: RecordedRequest[];
  faults: InjectedFault[];
  channel: ReturnType<DigitalDiscord['channel']>;
  stop(): Promise<void>;
}

/** Sees every request body before the twin handles it (the twin does not store allowed_mentions). */
function tapRequests(server: Server, requests: RecordedRequest[], faults: InjectedFault[]): void {
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
  options: { env?: Record<string, string>; engineConfig?: EngineConfig; log?: Logger } = {},
): Promise<TwinBot> {
  const dbFile = join(tmpdir(), `paperscout-twin-${randomUUID()}.db`);
  const twin = new DigitalDiscord({
    guild: { name: 'ML Reading Group' },
    channels: [{ name: 'papers', type: ChannelType.GuildText }],
    users: [
      { id: ADMIN, username: 'admin' },
      { id: MEMBER, username: 'member' },
      { id: OTHER, username: 'other' },
    ],
    dbUrl: `file:${dbFile}`,
  });
  await twin.start();
  const requests: RecordedRequest[] = [];
  const faults: InjectedFault[] = [];
  tapRequests((twin as unknown as { server: { httpServer: Server } }).server.httpServer, requests, faults);

  const member = (userId: string, bits: bigint) =>
    twin.prisma.guildMember.update({
      where: { guildId_userId: { guildId: twin.guildId, userId } },
      data: { permissions: String(bits) },
    });
  await member(ADMIN, PermissionFlagsBits.ManageGuild | PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages);
  await member(MEMBER, PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages);
  await member(OTHER, PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages);
  const channelId = (await twin.prisma.channel.findFirstOrThrow({ where: { guildId: twin.guildId } })).id;

  const log = options.log ?? quietLogger();
  const engine = await Engine.open(options.engineConfig ?? testConfig(seededDataDir()), { log });
  const config = loadBotConfig({
    DISCORD_TOKEN: twin.botToken,
    DISCORD_API_BASE: twin.restUrl,
    DISCORD_GUILD_ID: twin.guildId,
    ASK_RATE_LIMIT_COUNT: '1000',
    ...options.env,
  });
  await registerCommands(config);
  const bot = await startBot({ engine, config, log });

  return {
    twin,
    bot,
    engine,
    channelId,
    requests,
    faults,
    channel: twin.channel(channelId),
    async stop() {
      await bot.stop();
      await twin.stop();
      await twin.prisma.$disconnect();
      await engine.close();
      rmSync(dbFile, { force: true });
    },
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
export async function ackOf(t: TwinBot, interactionId: string): Promise<{ type: number; data: CallbackData }> {
  const ack = await t.channel.waitForInteractionAck({ interactionId });
  return { type: ack.type, data: JSON.parse(ack.data ?? '{}') as CallbackData };
}

export async function autocomplete(t: TwinBot, userId: string, command: string, option: string, typed: string) {
  const registered = await t.twin.prisma.applicationCommand.findFirstOrThrow({ where: { name: command } });
  const { id } = await t.twin.simulateInteraction({
    type: InteractionType.ApplicationCommandAutocomplete,
    channelId: t.channelId,
    userId,
    data: { id: registered.id, name: command, type: 1, options: [{ name: option, type: 3, value: typed, focused: true }] },
  });
  const ack = await t.channel.waitForInteractionAck({ interactionId: id });
  return { type: ack.type, choices: (JSON.parse(ack.data ?? '{}') as { choices?: { name: string; value: string }[] }).choices ?? [] };
}
