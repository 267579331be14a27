import { PermissionFlagsBits, type RepliableInteraction } from 'discord.js';
import type { BotContext, Policy } from './context.js';

/** Checked at run time as well as by default_member_permissions, which server owners can override. */
export function isServerAdmin(interaction: RepliableInteraction): boolean {
  return interaction.inGuild() && Boolean(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild));
}

/**
 * Why the policy refuses this interaction, or undefined if it allows it. Allowing takes a rate-limit
 * slot, so this is asked once per interaction, after every check that could refuse for free.
 */
export function refusal(policy: Policy | undefined, interaction: RepliableInteraction, ctx: BotContext): string | undefined {
  if (!policy) return undefined;
  if (policy.adminOnly !== undefined && !isServerAdmin(interaction)) return policy.adminOnly;
  if (policy.guildOnly !== undefined && !interaction.inGuild()) return policy.guildOnly;
  if (policy.rateLimit !== undefined) {
    const limit = ctx[policy.rateLimit].take(interaction.user.id);
    if (!limit.allowed) return `You're asking quickly. Try again in ${Math.ceil(limit.retryAfterMs / 1000)}s.`;
  }
  return undefined;
}
