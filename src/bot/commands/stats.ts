import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import type { SlashCommand } from '../context.js';
import { renderStats } from '../render/status.js';

export const stats: SlashCommand = {
  data: new SlashCommandBuilder().setName('stats').setDescription('Index size, model, freshness and answer speed'),

  async execute(interaction, ctx) {
    const payload = renderStats(ctx.engine.stats(), ctx.askLatency.summary(), Date.now() - ctx.startedAt);
    await interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });
  },
};
