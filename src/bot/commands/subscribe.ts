import { ChannelType, InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { UserError } from '../../errors.js';
import { defineCommand } from '../context.js';
import { missingPermissions } from '../daily/daily-service.js';
import { isTimeZone, localTime, minutesOf, TIME_PATTERN } from '../../util/local-time.js';
import { replyPrivately } from '../replies.js';
import { DEFAULT_TRENDING_LIMIT } from './trending.js';

export const subscribe = defineCommand({
  data: new SlashCommandBuilder()
    .setName('subscribe')
    .setDescription("Post the day's papers in a channel, once a day (admins)")
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .addChannelOption((o) =>
      o.setName('channel').setDescription('Where to post').setRequired(true).addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
    )
    .addStringOption((o) => o.setName('time').setDescription('When, HH:MM (24-hour; default 08:00)').setMinLength(5).setMaxLength(5))
    .addStringOption((o) => o.setName('timezone').setDescription('IANA time zone for the time, e.g. Europe/Berlin (default UTC)').setMaxLength(64))
    .addIntegerOption((o) => o.setName('limit').setDescription('Papers in the post, 1–20 (default 10)').setMinValue(1).setMaxValue(20))
    .addBooleanOption((o) => o.setName('skip_empty').setDescription("With topic watches: post nothing on a day none matched (default: say so in one line)")),

  policy: { adminOnly: 'Only server admins (with Manage Server) can set up the daily post.' },

  async execute(interaction, ctx) {
    const time = interaction.options.getString('time') ?? ctx.feed.postTime;
    if (!TIME_PATTERN.test(time)) throw new UserError(`"${time}" is not a time; use HH:MM in 24-hour form, like 08:00.`);
    const timezone = interaction.options.getString('timezone') ?? ctx.feed.timezone;
    if (!isTimeZone(timezone)) throw new UserError(`"${timezone}" is not a time zone; use an IANA name such as UTC or Europe/Berlin.`);
    const channel = interaction.options.getChannel('channel', true);
    const limit = interaction.options.getInteger('limit') ?? DEFAULT_TRENDING_LIMIT;
    const now = ctx.now();
    const local = localTime(now, timezone);
    const startsToday = local.minutes < minutesOf(time);
    ctx.state.subscriptions.put(interaction.guildId, {
      channelId: channel.id,
      time,
      timezone,
      limit,
      subscribedBy: interaction.user.id,
      createdAt: new Date(now).toISOString(),
      // A time already past today means the first post is tomorrow, not right now.
      lastPostedOn: startsToday ? undefined : local.date,
      skipEmpty: interaction.options.getBoolean('skip_empty') ?? false,
    });
    const resolved = interaction.guild?.channels.cache.get(channel.id) ?? channel;
    const missing = missingPermissions(resolved, interaction.client);
    const warning = missing.length
      ? `\n⚠️ I can't post in <#${channel.id}> yet: I lack ${missing.join(', ')} there. Grant them before ${time}, or the post will be skipped (and logged).`
      : '';
    await replyPrivately(
      interaction,
      `📰 I'll post the day's top ${limit} papers in <#${channel.id}> every day at ${time} (${timezone}), starting ${startsToday ? 'today' : 'tomorrow'}.${warning}`,
    );
  },
});

export const unsubscribe = defineCommand({
  data: new SlashCommandBuilder()
    .setName('unsubscribe')
    .setDescription('Stop the daily post in this server (admins)')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild),

  policy: { adminOnly: 'Only server admins (with Manage Server) can change the daily post.' },

  async execute(interaction, ctx) {
    const existing = ctx.state.subscriptions.remove(interaction.guildId);
    if (!existing) return replyPrivately(interaction, 'This server has no daily post.');
    await replyPrivately(interaction, `Stopped the daily post in <#${existing.channelId}>.`);
  },
});
