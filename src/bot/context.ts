import type {
  AutocompleteInteraction,
  ButtonInteraction,
  CacheType,
  ChatInputCommandInteraction,
  ModalSubmitInteraction,
  SlashCommandOptionsOnlyBuilder,
} from 'discord.js';
import type { FeedConfig } from '../config.js';
import type { Engine } from '../engine/engine.js';
import type { ResourceFinder } from '../engine/resources.js';
import type { Logger } from '../log.js';
import type { ButtonAction, ModalAction } from './custom-ids.js';
import type { LatencyWindow } from './latency.js';
import type { SlidingWindowLimiter } from './rate-limit.js';
import type { TasteScorer } from './daily/digest.js';
import type { WatchService } from './daily/watch-service.js';
import type { BotState } from './state/bot-state.js';
import type { SettingsStore } from './state/settings.js';
import type { VoteStore } from './state/votes.js';

/** What every command and button handler may use. */
export interface BotContext {
  engine: Engine;
  log: Logger;
  askLimiter: SlidingWindowLimiter;
  askLatency: LatencyWindow;
  startedAt: number;
  state: BotState;
  /** The state's votes (`state.votes`), by their own name. */
  votes: VoteStore;
  watches: WatchService;
  /** The server's learned taste, once there is one: the digest ranks by it after match strength. */
  taste?: TasteScorer;
  /** Per-server settings (/settings). */
  settings: SettingsStore;
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

export type ModalKind = ModalAction['kind'];

/** The handler of one kind of modal submission, plus its policy. */
export interface ModalHandler<K extends ModalKind, P extends Policy = Policy> {
  policy?: P;
  handle(interaction: ModalSubmitInteraction<ScopeOf<P>>, action: Extract<ModalAction, { kind: K }>, ctx: BotContext): Promise<void>;
}

export type ModalHandlers = { [K in ModalKind]: ModalHandler<K> };

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

/** As `defineCommand`, for a modal handler. */
export function defineModal<K extends ModalKind, const P extends Policy = Policy>(handler: ModalHandler<K, P>): ModalHandler<K> {
  return handler as unknown as ModalHandler<K>;
}
