import type { AutocompleteInteraction, ButtonInteraction, ChatInputCommandInteraction, SlashCommandOptionsOnlyBuilder } from 'discord.js';
import type { FeedConfig } from '../config.js';
import type { Engine } from '../engine/engine.js';
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
  feed: FeedConfig;
  /** The clock (injected in tests, which simulate days rather than sleep). */
  now: () => number;
}

/** One slash command, as in the discord.js guide: its builder and its handler. */
export interface SlashCommand {
  data: Pick<SlashCommandOptionsOnlyBuilder, 'name' | 'toJSON'>;
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
}

export type ButtonHandlers = {
  [K in ButtonAction['kind']]: (interaction: ButtonInteraction, action: Extract<ButtonAction, { kind: K }>, ctx: BotContext) => Promise<void>;
};
