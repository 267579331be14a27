import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { defineCommand } from '../context.js';
import { renderHelp } from '../render/status.js';

export const help = defineCommand({
  data: new SlashCommandBuilder().setName('help').setDescription('What paperscout does and how to use it'),

  async execute(interaction) {
    await interaction.reply({ ...renderHelp(), flags: MessageFlags.Ephemeral });
  },
});
