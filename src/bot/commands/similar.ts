import { SlashCommandBuilder } from 'discord.js';
import { defineCommand } from '../context.js';
import { renderSimilar } from '../render/lists.js';
import { suggestPapers } from './paper.js';

export const similar = defineCommand({
  data: new SlashCommandBuilder()
    .setName('similar')
    .setDescription('The papers most like a given one')
    .addStringOption((o) => o.setName('paper').setDescription('Start typing a title, or give an arXiv id or link').setRequired(true).setAutocomplete(true))
    .addIntegerOption((o) => o.setName('results').setDescription('How many, 1–10 (default 5)').setMinValue(1).setMaxValue(10)),

  async execute(interaction, ctx) {
    const target = ctx.engine.paper(interaction.options.getString('paper', true));
    const { results } = ctx.engine.similar(target.id, interaction.options.getInteger('results') ?? 5);
    await interaction.reply(renderSimilar(target, results));
  },

  autocomplete: suggestPapers,
});
