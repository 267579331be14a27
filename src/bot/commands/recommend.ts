import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { defineCommand } from '../context.js';
import { renderRecommend } from '../render/recommend.js';
import { memberLikes } from '../taste.js';

export const DEFAULT_RECOMMEND_DAYS = 30;

export const recommend = defineCommand({
  data: new SlashCommandBuilder()
    .setName('recommend')
    .setDescription('Recent papers like the ones you upvoted in this server')
    .addIntegerOption((o) => o.setName('days').setDescription('From the lists of this many days (default 30)').setMinValue(1).setMaxValue(365))
    .addIntegerOption((o) => o.setName('results').setDescription('How many papers, 1–10 (default 5)').setMinValue(1).setMaxValue(10)),

  policy: { guildOnly: 'Recommendations learn from your votes in a server; use /recommend inside one.' },

  async execute(interaction, ctx) {
    const days = interaction.options.getInteger('days') ?? DEFAULT_RECOMMEND_DAYS;
    const k = interaction.options.getInteger('results') ?? 5;
    // Learning the taste takes a moment with many votes: acknowledge first.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const liked = memberLikes(ctx, interaction.guildId, interaction.user.id);
    const items = liked.length ? ctx.engine.recommend(liked, { k, days }) : [];
    const votes = ctx.votes.counts(interaction.guildId, items.map((i) => i.id));
    await interaction.editReply(renderRecommend(items, days, votes, liked.length));
  },
});
