/**
 * Times of the bot path, taken at the Discord twin: when a slash command was sent, when the twin
 * dispatched it to the bot, and when the bot's callback (ack) and first edit of @original arrived.
 * Used in the benchmark's process and in the twin's own process (bench/probes/twin.ts) alike.
 */
import type { DigitalDiscord } from 'discord-digital-twin';
import { str, type RecordedRequest } from '../harness/twin.js';

/** One interaction, timed at the twin (epoch milliseconds). */
export interface Sample {
  id: string;
  token: string;
  /** Right before the simulated slash command was sent. */
  sentAt: number;
  /** When the twin pushed INTERACTION_CREATE to the bot's gateway connection. */
  dispatchedAt?: number;
  /** Arrival of POST /interactions/<id>/<token>/callback. */
  ackAt?: number;
  ackType?: number;
  /** Arrival of the first PATCH /webhooks/<app>/<token>/messages/@original. */
  editAt?: number;
  editHasEmbeds?: boolean;
}

export type Edit = { at: number; embeds: boolean; content?: string };

/** What the benchmark asks of the twin in a child process, over IPC. */
export type TwinRequest =
  | { kind: 'send'; userId: string; name: 'ask' | 'reload'; question?: string }
  | { kind: 'stream'; users: string[]; questions: string[]; intervalMs: number }
  | { kind: 'stopStream' }
  | { kind: 'collect'; samples: Sample[]; edit: boolean; editsOf?: string }
  | { kind: 'exit' };

/** The twin process's first message: where the bot logs in, and the users it may send as. */
export interface TwinReady {
  restUrl: string;
  botToken: string;
  guildId: string;
  users: string[];
}

/** Watches a twin: gateway dispatch times by interaction id, and the bot's callbacks and edits by token. */
export class TwinClock {
  private readonly dispatched = new Map<string, number>();
  private readonly acks = new Map<string, { at: number; type?: number }>();
  private readonly edits = new Map<string, Edit[]>();
  private scanned = 0;

  constructor(private readonly t: { twin: DigitalDiscord; requests: readonly RecordedRequest[] }) {
    const gateway = (t.twin as unknown as { server: { gateway: { broadcast: (event: string, data: unknown) => void } } }).server.gateway;
    const broadcast = gateway.broadcast.bind(gateway);
    gateway.broadcast = (event: string, data: unknown) => {
      if (event === 'INTERACTION_CREATE') this.dispatched.set((data as { id: string }).id, Date.now());
      broadcast(event, data);
    };
  }

  private scan(): void {
    const requests = this.t.requests;
    for (; this.scanned < requests.length; this.scanned++) {
      const r = requests[this.scanned]!;
      const path = r.url.split('?')[0]!;
      const callback = /\/interactions\/\d+\/([^/]+)\/callback$/.exec(path);
      if (r.method === 'POST' && callback) {
        if (!this.acks.has(callback[1]!)) this.acks.set(callback[1]!, { at: r.at, type: r.json?.type as number | undefined });
        continue;
      }
      const edit = /\/webhooks\/\d+\/([^/]+)\/messages\/(?:%40|@)original$/.exec(path);
      if (r.method === 'PATCH' && edit) {
        const list = this.edits.get(edit[1]!) ?? [];
        list.push({ at: r.at, embeds: Array.isArray(r.json?.embeds) && (r.json!.embeds as unknown[]).length > 0, content: r.json?.content as string | undefined });
        this.edits.set(edit[1]!, list);
      }
    }
  }

  /** Fills in what has arrived; true once the sample has its ack (and its edit, when `edit`). */
  update(sample: Sample, edit: boolean): boolean {
    this.scan();
    sample.dispatchedAt ??= this.dispatched.get(sample.id);
    const ack = this.acks.get(sample.token);
    if (ack && sample.ackAt === undefined) {
      sample.ackAt = ack.at;
      sample.ackType = ack.type;
    }
    const first = this.edits.get(sample.token)?.[0];
    if (first && sample.editAt === undefined) {
      sample.editAt = first.at;
      sample.editHasEmbeds = first.embeds;
    }
    return sample.ackAt !== undefined && (!edit || sample.editAt !== undefined);
  }

  editsOf(token: string): Edit[] {
    this.scan();
    return this.edits.get(token) ?? [];
  }
}

/** Sends slash commands as a user of the twin, with the command id resolved once (not on every send). */
export function commandSender(twin: DigitalDiscord, channelId: string) {
  const commandIds = new Map<string, string>();
  return async (userId: string, name: 'ask' | 'reload', question?: string): Promise<Sample> => {
    let commandId = commandIds.get(name);
    if (!commandId) {
      commandId = (await twin.prisma.applicationCommand.findFirstOrThrow({ where: { name, guildId: twin.guildId } })).id;
      commandIds.set(name, commandId);
    }
    const options = question === undefined ? undefined : [str('question', question)];
    const sentAt = Date.now();
    const { id, token } = await twin.channel(channelId).user(userId).runSlashCommand({ name, commandId, options });
    return { id, token, sentAt };
  };
}
