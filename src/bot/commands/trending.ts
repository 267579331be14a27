import { SlashCommandBuilder } from 'discord.js';
import { UserError } from '../../errors.js';
import type { SlashCommand } from '../context.js';
import { renderTrending } from '../render/lists.js';

export const DEFAULT_TRENDING_LIMIT = 10;

export const trending: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('trending')
    .setDescription("A day's list of papers, ranked")
    .addStringOption((o) => o.setName('date').setDescription('YYYY-MM-DD (default: the latest day available)').setMinLength(10).setMaxLength(10))
    .addIntegerOption((o) => o.setName('limit').setDescription('Papers per page, 1–25 (default 10)').setMinValue(1).setMaxValue(25)),

  async execute(interaction, ctx) {
    const date = interaction.options.getString('date') ?? undefined;
    if (date !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date)))) {
      throw new UserError(`"${date}" is not a date; use YYYY-MM-DD, for example 2025-03-12.`);
    }
    const limit = interaction.options.getInteger('limit') ?? DEFAULT_TRENDING_LIMIT;
    await interaction.reply(renderTrending(ctx.engine.trending({ date, limit }), limit));
  },
};
