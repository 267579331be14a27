import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { UserError } from '../../errors.js';
import { defineCommand } from '../context.js';
import { renderSettings } from '../render/settings.js';
import { replyPrivately } from '../replies.js';
import { ASK_VISIBILITIES, type AskVisibility } from '../state/settings.js';

const isVisibility = (value: string): value is AskVisibility => (ASK_VISIBILITIES as readonly string[]).includes(value);

export const settings = defineCommand({
  data: new SlashCommandBuilder()
    .setName('settings')
    .setDescription("Show or change paperscout's settings for this server (admins)")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .addStringOption((o) =>
      o
        .setName('ask_visibility')
        .setDescription('Who sees /ask answers when the asker does not choose (default public)')
        .addChoices({ name: 'public: the whole channel', value: 'public' }, { name: 'private: only the asker', value: 'private' }),
    ),

  policy: {
    adminOnly: 'Only server admins (with Manage Server) can change the settings.',
    guildOnly: 'Settings belong to a server; use /settings inside one.',
  },

  async execute(interaction, ctx) {
    const visibility = interaction.options.getString('ask_visibility');
    if (visibility !== null && !isVisibility(visibility)) throw new UserError(`"${visibility}" is not a visibility; choose public or private.`);
    const current = visibility ? ctx.settings.update(interaction.guildId, { askVisibility: visibility }) : ctx.settings.get(interaction.guildId);
    await replyPrivately(interaction, renderSettings(current, visibility !== null));
  },
});
