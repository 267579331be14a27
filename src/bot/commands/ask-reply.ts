import { MessageFlags, type ChatInputCommandInteraction, type ModalSubmitInteraction } from 'discord.js';
import type { AskOptions } from '../../engine/engine.js';
import type { BotContext } from '../context.js';
import { ASK_PAGE_SIZE, renderAsk } from '../render/ask.js';
import type { VoteCounts } from '../render/payload.js';
import { followWithGeneratedAnswer } from '../generated-reply.js';

/**
 * Whether an /ask reply is shown to the channel: as the asker chose, else as the server's admins
 * set it (default: the channel). Outside a server there is no channel to share with, so it is shown.
 */
export function askIsPublic(choice: boolean | null, guildId: string | null, ctx: Pick<BotContext, 'settings'>): boolean {
  if (choice !== null) return choice;
  return guildId ? ctx.settings.get(guildId).askVisibility === 'public' : true;
}

/** This server's votes for the papers shown; undefined outside a server (no vote buttons). */
export function votesFor(interaction: { inGuild(): boolean; guildId: string | null }, ctx: BotContext, paperIds: readonly string[]): VoteCounts {
  return interaction.inGuild() ? ctx.votes.counts(interaction.guildId, paperIds) : undefined;
}

export interface AskRequest {
  question: string;
  /** Results wanted in all, paged ASK_PAGE_SIZE at a time. */
  total: number;
  isPublic: boolean;
  /** Passed to the engine: the earlier questions of a follow-up, filters. */
  options?: Omit<AskOptions, 'k' | 'offset'>;
}

/** Answers an /ask or a follow-up: acknowledged at once, then the first page edited in. */
export async function replyWithAsk(interaction: ChatInputCommandInteraction | ModalSubmitInteraction, ctx: BotContext, request: AskRequest): Promise<void> {
  const { question, total, isPublic } = request;
  await interaction.deferReply(isPublic ? {} : { flags: MessageFlags.Ephemeral });
  const started = performance.now();
  const result = await ctx.engine.ask(question, { ...request.options, k: Math.min(total, ASK_PAGE_SIZE) });
  ctx.askLatency.record(performance.now() - started);
  const votes = votesFor(interaction, ctx, result.results.map((r) => r.id));
  const page = { result, total, votes, isPublic, hasCode: request.options?.hasCode };
  await interaction.editReply(renderAsk(page));
  await followWithGeneratedAnswer(interaction, ctx, page);
}
