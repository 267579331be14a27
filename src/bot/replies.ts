import { MessageFlags, type RepliableInteraction } from 'discord.js';
import { message, type MessagePayload } from './render/payload.js';

/**
 * Tells the user something only they see, whatever state the interaction is in: a fresh reply, an
 * edit of an ephemeral deferral, or (after a public deferral) a private follow-up that replaces it.
 */
export async function replyPrivately(interaction: RepliableInteraction, payload: MessagePayload | string): Promise<void> {
  const body = typeof payload === 'string' ? message({ content: payload }) : payload;
  if (!interaction.deferred && !interaction.replied) {
    await interaction.reply({ ...body, flags: MessageFlags.Ephemeral });
  } else if (interaction.deferred && interaction.ephemeral && !interaction.isMessageComponent()) {
    // If the edit fails (Discord 5xx), a follow-up still reaches the user; throwing here would leave them with "thinking…".
    await interaction.editReply(body).catch(() => interaction.followUp({ ...body, flags: MessageFlags.Ephemeral }));
  } else {
    if (interaction.deferred && !interaction.isMessageComponent()) await interaction.deleteReply().catch(() => undefined);
    await interaction.followUp({ ...body, flags: MessageFlags.Ephemeral });
  }
}
