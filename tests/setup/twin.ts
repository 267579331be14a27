import { InteractionType, type APIMessage } from 'discord.js';
import { startTwinBot as startHarness, type Option, type TwinBot, type TwinBotOptions } from '../../bench/harness/twin.js';
import { seededDataDir, testConfig } from './engine.js';

// The twin and bot harness is shared with the bot benchmark; tests add the seed index and the helpers below.
export * from '../../bench/harness/twin.js';

/** The harness over a private copy of the prebuilt seed index, unless the test brings its own engine config. */
export function startTwinBot(options: Partial<TwinBotOptions> = {}): Promise<TwinBot> {
  return startHarness({ ...options, engineConfig: options.engineConfig ?? testConfig(seededDataDir()) });
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
export async function replyTo(t: TwinBot, interactionId: string, ready: (m: APIMessage) => boolean = () => true, timeoutMs?: number): Promise<APIMessage> {
  return pollFor(async () => {
    const row = await t.channel.getInteractionResponse(interactionId);
    if (!row?.messageId) return undefined;
    const message = (await t.channel.getMessages()).find((m) => m.id === row.messageId);
    return message && ready(message) ? message : undefined;
  }, `the reply to interaction ${interactionId}`, timeoutMs);
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
