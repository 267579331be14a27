import type { ChatInputCommandInteraction } from 'discord.js';
import { requestGeneratedAnswer } from '../engine/generated-answer-client.js';
import type { BotContext } from './context.js';
import { renderAsk, type AskPage } from './render/ask.js';

/** How long Discord lets an interaction's token edit its reply. */
const TOKEN_LIFETIME_MS = 15 * 60_000;
/** Kept back for the edit itself, so that it lands while the token is still valid. */
const EDIT_MARGIN_MS = 10_000;

/** How long an answer may still take and be edited in, for an interaction created at `createdAt`. */
export function timeLeftToEdit(createdAt: number, now: number): number {
  return Math.max(0, createdAt + TOKEN_LIFETIME_MS - EDIT_MARGIN_MS - now);
}

type Reply = Pick<ChatInputCommandInteraction, 'createdTimestamp' | 'fetchReply' | 'editReply'>;

/**
 * After the first reply, with its extractive answer: asks the user's own model (ANSWER_LLM_URL) and,
 * if its answer passes every check, edits the reply to show it instead. Waits at most the configured
 * timeout or the token's time left, whichever is less; leaves the reply alone if a button has shown
 * another page meanwhile. Does nothing when no model is configured; never throws.
 */
export async function followWithGeneratedAnswer(interaction: Reply, ctx: Pick<BotContext, 'engine' | 'log'>, page: AskPage): Promise<void> {
  // Real time, not ctx.now: the token expires by Discord's clock, counted from the interaction's snowflake.
  const timeLeft = () => timeLeftToEdit(interaction.createdTimestamp, Date.now());
  const verdict = await requestGeneratedAnswer(ctx.engine.config.answerLlm, page.result, { log: ctx.log, timeoutMs: timeLeft() });
  if (!verdict?.answer) return;
  try {
    const shown = await interaction.fetchReply();
    if (shown.content !== renderAsk(page).content) return void ctx.log.debug('generated answer not shown: the reply shows another page now');
    if (timeLeft() === 0) return void ctx.log.debug('generated answer not shown: the interaction token is about to expire');
    await interaction.editReply(renderAsk({ ...page, generated: verdict.answer }));
  } catch (error) {
    ctx.log.warn({ err: error }, 'could not edit the generated answer into the reply');
  }
}
