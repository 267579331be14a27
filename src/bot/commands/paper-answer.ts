import type { ChatInputCommandInteraction } from 'discord.js';
import { cleanQuestion } from '../../engine/question.js';
import type { BotContext } from '../context.js';
import { renderPaperAnswer } from '../render/paper-answer.js';
import { votesFor } from './ask-reply.js';

/** `/paper query: question:`: the paper's sentences that answer the question, acknowledged at once. */
export async function replyWithPaperAnswer(interaction: ChatInputCommandInteraction, ctx: BotContext, query: string, question: string): Promise<void> {
  // An empty question or an unknown paper is refused before anything is shown to the channel.
  cleanQuestion(question);
  const { id } = ctx.engine.paper(query);
  await interaction.deferReply();
  const answer = await ctx.engine.askPaper(id, question);
  await interaction.editReply(renderPaperAnswer(answer, votesFor(interaction, ctx, [answer.id])));
}
