import { MessageFlags } from 'discord.js';
import { votesFor } from '../commands/ask-reply.js';
import { defineButton, type ButtonHandlers, type ModalHandlers } from '../context.js';
import { ASK_PAGE_SIZE, renderAsk } from '../render/ask.js';
import { renderAbstract, renderSimilar, renderTrending } from '../render/lists.js';
import { escapeMarkdown, truncate } from '../render/text.js';
import { replyPrivately } from '../replies.js';
import { EXPIRED_BUTTON } from '../router.js';
import { checkedTurns, followUpModal, refineButton, shownPublicly } from './refine.js';

export const BUTTONS: ButtonHandlers = {
  /** Prev/Next on an /ask reply: the questions come from the message, checked against the id's hash. */
  ask: defineButton({
    // Each page is a new search, so it counts like an /ask.
    policy: { rateLimit: 'askLimiter' },
    async handle(interaction, action, ctx) {
      const turns = checkedTurns(interaction.message, action.questionHash);
      const k = Math.min(ASK_PAGE_SIZE, action.total - action.offset);
      if (!turns || k <= 0) return replyPrivately(interaction, EXPIRED_BUTTON);
      await interaction.deferUpdate();
      const result = await ctx.engine.ask(turns.at(-1)!, { k, offset: action.offset, context: turns.slice(0, -1), hasCode: action.hasCode });
      const votes = votesFor(interaction, ctx, result.results.map((r) => r.id));
      await interaction.editReply(renderAsk({ result, total: action.total, votes, isPublic: shownPublicly(interaction.message), hasCode: action.hasCode }));
    },
  }),

  refine: refineButton,

  abstract: defineButton({
    async handle(interaction, action, ctx) {
      await interaction.reply({ ...renderAbstract(ctx.engine.paper(action.paperId)), flags: MessageFlags.Ephemeral });
    },
  }),

  similar: defineButton({
    async handle(interaction, action, ctx) {
      const { paper, results } = ctx.engine.similar(action.paperId, 5);
      await interaction.reply({ ...renderSimilar(paper, results), flags: MessageFlags.Ephemeral });
    },
  }),

  /** 👍 on a paper: one vote per user per paper in this server; clicking again takes it back. */
  vote: defineButton({
    policy: { guildOnly: 'Votes count per server; vote inside a server.' },
    async handle(interaction, action, ctx) {
      const [card] = ctx.engine.cards([action.paperId]);
      if (!card) return replyPrivately(interaction, EXPIRED_BUTTON);
      const { voted, count } = await ctx.votes.toggle(interaction.guildId, interaction.user.id, card.id, new Date(ctx.now()));
      const title = escapeMarkdown(truncate(card.title, 120));
      await replyPrivately(
        interaction,
        voted ? `👍 Vote counted for **${title}**: ${count} in this server.` : `Vote removed from **${title}**: ${count} in this server.`,
      );
    },
  }),

  trending: defineButton({
    async handle(interaction, action, ctx) {
      const result = ctx.engine.trending({ date: action.date, offset: action.offset, limit: action.limit });
      if (!result.items.length) return replyPrivately(interaction, EXPIRED_BUTTON);
      const votes = interaction.inGuild() ? ctx.votes.counts(interaction.guildId, result.items.map((i) => i.id)) : undefined;
      await interaction.update(renderTrending(result, action.limit, votes));
    },
  }),
};

export const MODALS: ModalHandlers = {
  followUp: followUpModal,
};
