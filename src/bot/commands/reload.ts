import { randomBytes } from 'node:crypto';
import { InteractionContextType, MessageFlags, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { ReloadInProgressError } from '../../engine/engine.js';
import { progressLine } from '../../format/progress.js';
import type { SlashCommand } from '../context.js';
import { ProgressEditor } from '../progress-editor.js';
import { message } from '../render/payload.js';
import { renderReloadSummary } from '../render/status.js';
import { replyPrivately } from '../replies.js';
import { isServerAdmin } from './subscribe.js';

/** Discord allows about five edits per 5 s; one every 2 s leaves room and reads smoothly. */
export const PROGRESS_EDIT_INTERVAL_MS = 2000;

export const reload: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName('reload')
    .setDescription('Re-read the paper sources and update the index (admins)')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild),

  async execute(interaction, ctx) {
    // Server owners can override default_member_permissions, so the permission is checked here too.
    if (!isServerAdmin(interaction)) {
      return replyPrivately(interaction, 'Only server admins (with Manage Server) can reload the index.');
    }
    if (ctx.engine.isReloading) return replyPrivately(interaction, new ReloadInProgressError().message);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const editor = new ProgressEditor((text) => interaction.editReply(message({ content: text })), PROGRESS_EDIT_INTERVAL_MS);
    editor.offer('Reading the sources…');
    try {
      const report = await ctx.engine.reload({ onProgress: (p) => editor.offer(progressLine(p)) });
      await editor.finish();
      ctx.log.info({ user: interaction.user.id, added: report.added, updated: report.updated, removed: report.removed }, 'reload finished');
      await interaction.editReply(renderReloadSummary(report));
    } catch (error) {
      await editor.finish();
      if (error instanceof ReloadInProgressError) return replyPrivately(interaction, error.message);
      const incident = randomBytes(4).toString('hex');
      ctx.log.error({ err: error, incident }, 'reload failed');
      await interaction.editReply(
        message({
          content: `❌ Reload failed: ${(error as Error).message}\nThe previous index is still serving. Incident \`${incident}\`.`,
        }),
      );
    }
  },
};
