import { MessageFlags } from 'discord.js';
import type { ButtonHandlers } from '../context.js';
import { questionHash } from '../custom-ids.js';
import { ASK_PAGE_SIZE, questionFromMessage, renderAsk } from '../render/ask.js';
import { renderAbstract, renderSimilar, renderTrending } from '../render/lists.js';
import { replyPrivately } from '../replies.js';
import { EXPIRED_BUTTON } from '../router.js';

export const BUTTONS: ButtonHandlers = {
  /** Prev/Next on an /ask reply: the question comes from the message, checked against the id's hash. */
  async ask(interaction, action, ctx) {
    const question = questionFromMessage(interaction.message.content);
    const k = Math.min(ASK_PAGE_SIZE, action.total - action.offset);
    if (!question || questionHash(question) !== action.questionHash || k <= 0) return replyPrivately(interaction, EXPIRED_BUTTON);
    await interaction.deferUpdate();
    const result = await ctx.engine.ask(question, { k, offset: action.offset });
    await interaction.editReply(renderAsk({ result, total: action.total }));
  },

  async abstract(interaction, action, ctx) {
    await interaction.reply({ ...renderAbstract(ctx.engine.paper(action.paperId)), flags: MessageFlags.Ephemeral });
  },

  async similar(interaction, action, ctx) {
    const { paper, results } = ctx.engine.similar(action.paperId, 5);
    await interaction.reply({ ...renderSimilar(paper, results), flags: MessageFlags.Ephemeral });
  },

  async trending(interaction, action, ctx) {
    const result = ctx.engine.trending({ date: action.date, offset: action.offset, limit: action.limit });
    if (!result.items.length) return replyPrivately(interaction, EXPIRED_BUTTON);
    await interaction.update(renderTrending(result, action.limit));
  },
};
