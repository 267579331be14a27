import { SlashCommandBuilder } from 'discord.js';
import { UserError } from '../../errors.js';
import { isIsoDate } from '../../util/local-time.js';
import { defineCommand } from '../context.js';
import { renderServerTrending, renderTrending } from '../render/lists.js';
import { byVotesThenTaste, serverTaste } from '../taste.js';

export const DEFAULT_TRENDING_LIMIT = 10;
export const DEFAULT_VOTE_DAYS = 7;

export const trending = defineCommand({
  data: new SlashCommandBuilder()
    .setName('trending')
    .setDescription("A day's list of papers, ranked")
    .addStringOption((o) => o.setName('date').setDescription('YYYY-MM-DD (default: the latest day available)').setMinLength(10).setMaxLength(10))
    .addIntegerOption((o) => o.setName('limit').setDescription('Papers per page, 1–20 (default 10)').setMinValue(1).setMaxValue(20))
    .addStringOption((o) =>
      o
        .setName('scope')
        .setDescription("The day's list, or this server's most-voted papers")
        .addChoices({ name: "the day's list", value: 'day' }, { name: "this server's votes", value: 'server' }),
    )
    .addIntegerOption((o) => o.setName('days').setDescription('With scope:server, count votes from this many days (default 7)').setMinValue(1).setMaxValue(365)),

  async execute(interaction, ctx) {
    const date = interaction.options.getString('date') ?? undefined;
    if (date !== undefined && !isIsoDate(date)) {
      throw new UserError(`"${date}" is not a date; use YYYY-MM-DD, for example 2025-03-12.`);
    }
    const limit = interaction.options.getInteger('limit') ?? DEFAULT_TRENDING_LIMIT;
    if (interaction.options.getString('scope') === 'server') {
      if (!interaction.inGuild()) throw new UserError("Server trending ranks a server's votes; use it inside a server.");
      const days = interaction.options.getInteger('days') ?? DEFAULT_VOTE_DAYS;
      const voted = ctx.votes.top(interaction.guildId, new Date(ctx.now() - days * 86_400_000), Number.MAX_SAFE_INTEGER);
      const top = byVotesThenTaste(voted, serverTaste(ctx, interaction.guildId)).slice(0, limit);
      const votesById = new Map(top.map((t) => [t.paperId, t.votes]));
      const items = ctx.engine.cards(top.map((t) => t.paperId)).map((card) => ({ ...card, votes: votesById.get(card.id)! }));
      return void (await interaction.reply(renderServerTrending(items, days, votesById)));
    }
    const result = ctx.engine.trending({ date, limit });
    const votes = interaction.inGuild() ? ctx.votes.counts(interaction.guildId, result.items.map((i) => i.id)) : undefined;
    await interaction.reply(renderTrending(result, limit, votes));
  },
});
