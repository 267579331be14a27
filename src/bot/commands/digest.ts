import { InteractionContextType, MessageFlags, PermissionFlagsBits, SlashCommandBuilder, type SendableChannels } from 'discord.js';
import { defineCommand } from '../context.js';
import { missingPermissions } from '../daily/daily-service.js';
import { composeDigest, sendPages } from '../daily/digest-post.js';
import { replyPrivately } from '../replies.js';
import { DEFAULT_TRENDING_LIMIT } from './trending.js';

export const digest = defineCommand({
  data: new SlashCommandBuilder()
    .setName('digest')
    .setDescription("Post this channel's digest of the latest day now, to preview it (admins)")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild),

  policy: { adminOnly: 'Only server admins (with Manage Server) can post the digest.' },

  async execute(interaction, ctx) {
    const channel = interaction.channel;
    if (!channel?.isSendable()) return replyPrivately(interaction, 'I cannot post in this channel.');
    const missing = missingPermissions(channel, interaction.client);
    if (missing.length) return replyPrivately(interaction, `I can't post here: I lack ${missing.join(', ')} in this channel.`);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const subscription = ctx.state.subscriptions.get(interaction.guildId);
    const here = subscription?.channelId === channel.id;
    // A preview always says when nothing matched, even where the daily post would skip the day.
    const post = composeDigest(ctx, interaction.guildId, channel.id, { limit: here ? subscription.limit : DEFAULT_TRENDING_LIMIT, skipEmpty: false });
    if (!post.date) return replyPrivately(interaction, 'No daily lists are indexed yet. An admin can add one with `/reload`.');
    await sendPages(channel as SendableChannels, post.pages, `Digest · ${post.date}`, ctx.log);
    await replyPrivately(
      interaction,
      `Posted the digest of ${post.date} here${here ? '' : " (this channel has no daily post: `/subscribe` sets one up)"}. Nothing was marked as posted: the daily post goes out as usual.`,
    );
  },
});
