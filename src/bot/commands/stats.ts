import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { defineCommand } from '../context.js';
import { renderStats } from '../render/status.js';

export const stats = defineCommand({
  data: new SlashCommandBuilder().setName('stats').setDescription('Index size, model, freshness and answer speed'),

  async execute(interaction, ctx) {
    const now = ctx.now();
    const payload = renderStats(ctx.engine.stats(), ctx.askLatency.summary(), now - ctx.startedAt, now);
    await interaction.reply({ ...payload, flags: MessageFlags.Ephemeral });
  },
});
