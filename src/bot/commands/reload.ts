import { InteractionContextType, MessageFlags, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { ReloadCancelledError, ReloadInProgressError } from '../../engine/engine.js';
import { UserError } from '../../errors.js';
import { progressLine } from '../../format/progress.js';
import { defineCommand } from '../context.js';
import { newIncidentId } from '../incident.js';
import { ProgressEditor } from '../progress-editor.js';
import { message } from '../render/payload.js';
import { renderReloadSummary } from '../render/status.js';
import { replyPrivately } from '../replies.js';

/** Discord allows about five edits per 5 s; one every 2 s leaves room and reads smoothly. */
export const PROGRESS_EDIT_INTERVAL_MS = 2000;

export const reload = defineCommand({
  data: new SlashCommandBuilder()
    .setName('reload')
    .setDescription('Re-read the paper sources and update the index (admins)')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild),

  policy: { adminOnly: 'Only server admins (with Manage Server) can reload the index.' },

  async execute(interaction, ctx) {
    if (ctx.engine.isReloading) return replyPrivately(interaction, new ReloadInProgressError().message);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const editor = new ProgressEditor((text) => interaction.editReply(message({ content: text })), PROGRESS_EDIT_INTERVAL_MS);
    editor.offer('Reading the sources…');
    try {
      const report = await ctx.watches.reload({ onProgress: (p) => editor.offer(progressLine(p)) });
      await editor.finish();
      ctx.log.info({ user: interaction.user.id, added: report.added, updated: report.updated, removed: report.removed }, 'reload finished');
      await interaction.editReply(renderReloadSummary(report));
    } catch (error) {
      await editor.finish();
      if (error instanceof ReloadInProgressError || error instanceof ReloadCancelledError) return replyPrivately(interaction, error.message);
      const incident = newIncidentId();
      ctx.log.error({ err: error, incident }, 'reload failed');
      // Only a UserError is written for the user; anything else may carry paths or internals.
      const reason = error instanceof UserError ? error.message : 'something went wrong on our side';
      await interaction.editReply(
        message({ content: `❌ Reload failed: ${reason}\nThe previous index is still serving. Incident \`${incident}\`.` }),
      );
    }
  },
});
