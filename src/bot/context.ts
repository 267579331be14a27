import type { AutocompleteInteraction, ButtonInteraction, CacheType, ChatInputCommandInteraction, SlashCommandOptionsOnlyBuilder } from 'discord.js';
import type { FeedConfig } from '../config.js';
import type { Engine } from '../engine/engine.js';
import type { ResourceFinder } from '../engine/resources.js';
import type { Logger } from '../log.js';
import type { ButtonAction } from './custom-ids.js';
import type { LatencyWindow } from './latency.js';
import type { SlidingWindowLimiter } from './rate-limit.js';
import type { BotState } from './state/bot-state.js';
import type { JsonStore } from './state/json-store.js';
import type { VoteStore } from './state/votes.js';

/** What every command and button handler may use. */
export interface BotContext {
  engine: Engine;
  log: Logger;
  askLimiter: SlidingWindowLimiter;
  askLatency: LatencyWindow;
  startedAt: number;
  state: JsonStore<BotState>;
  votes: VoteStore;
  /** The Hub's models, datasets and Spaces citing a paper, cached under `data/hub/`. */
  resources: ResourceFinder;
  feed: FeedConfig;
  /** The clock (injected in tests, which simulate days rather than sleep). */
  now: () => number;
}

/** The context's rate limiters, by name, so a policy can only name one that exists. */
type LimiterName = { [K in keyof BotContext]: BotContext[K] extends SlidingWindowLimiter ? K : never }[keyof BotContext];

/**
 * What the router checks before a command or button runs, in this order. A refusal is told privately,
 * and a refused interaction takes no rate-limit slot.
 */
export interface Policy {
  /** Only members with Manage Server, inside a server; the text is the refusal. */
  adminOnly?: string;
  /** Only inside a server; the text is the refusal. */
  guildOnly?: string;
  /** Each use counts against this limiter, per user. */
  rateLimit?: LimiterName;
}

/** A handler whose policy keeps it inside a server is typed as such (guildId is a string). */
type ScopeOf<P extends Policy> = P extends { adminOnly: string } | { guildOnly: string } ? 'cached' | 'raw' : CacheType;

/** One slash command, as in the discord.js guide: its builder and its handler, plus its policy. */
export interface SlashCommand<P extends Policy = Policy> {
  data: Pick<SlashCommandOptionsOnlyBuilder, 'name' | 'toJSON'>;
  policy?: P;
  execute(interaction: ChatInputCommandInteraction<ScopeOf<P>>, ctx: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
}

export type ButtonKind = ButtonAction['kind'];

/** The handler of one kind of button, plus its policy. */
export interface ButtonHandler<K extends ButtonKind, P extends Policy = Policy> {
  policy?: P;
  handle(interaction: ButtonInteraction<ScopeOf<P>>, action: Extract<ButtonAction, { kind: K }>, ctx: BotContext): Promise<void>;
}

export type ButtonHandlers = { [K in ButtonKind]: ButtonHandler<K> };

/**
 * Types a command's handler by its declared policy: the router enforces the policy before `execute`,
 * so an admin-only command may rely on being in a server. The one place that claim is made.
 */
export function defineCommand<const P extends Policy = Policy>(command: SlashCommand<P>): SlashCommand {
  return command as unknown as SlashCommand;
}

/** As `defineCommand`, for a button handler. */
export function defineButton<K extends ButtonKind, const P extends Policy = Policy>(handler: ButtonHandler<K, P>): ButtonHandler<K> {
  return handler as unknown as ButtonHandler<K>;
}
