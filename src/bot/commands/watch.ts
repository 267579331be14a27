import { ChannelType, InteractionContextType, MessageFlags, SlashCommandBuilder } from 'discord.js';
import { UserError } from '../../errors.js';
import { cleanQuestion } from '../../engine/question.js';
import { defineCommand } from '../context.js';
import { isServerAdmin } from '../policy.js';
import { escapeMarkdown } from '../render/text.js';
import { replyPrivately } from '../replies.js';
import type { Watch } from '../state/watches.js';

/** A topic is a short description, like "speech recognition" or "diffusion models for video". */
export const TOPIC_MAX_CHARS = 100;
/** Watches a member may keep in one server, and watches of all its channels together. */
export const MAX_OWN_WATCHES = 10;
export const MAX_CHANNEL_WATCHES = 25;

const describe = (w: Watch) => `\`#${w.id}\` «${escapeMarkdown(w.topic)}» → ${w.channelId ? `<#${w.channelId}>` : 'you, by DM'}`;

export const watch = defineCommand({
  data: new SlashCommandBuilder()
    .setName('watch')
    .setDescription('Hear of new papers on a topic')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((c) =>
      c
        .setName('add')
        .setDescription('Watch a topic: for you by DM, or (admins) for a channel\'s digest')
        .addStringOption((o) => o.setName('topic').setDescription('A short description, e.g. "speech recognition"').setRequired(true).setMinLength(3).setMaxLength(TOPIC_MAX_CHARS))
        .addChannelOption((o) =>
          o.setName('channel').setDescription("Feed this channel's digest instead (Manage Server)").addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
        ),
    )
    .addSubcommand((c) => c.setName('list').setDescription("Your watches and this server's channel watches"))
    .addSubcommand((c) =>
      c
        .setName('remove')
        .setDescription('Stop a watch (its number is in /watch list)')
        .addIntegerOption((o) => o.setName('id').setDescription('The watch number, from /watch list').setRequired(true).setMinValue(1)),
    ),

  policy: { guildOnly: 'Watches belong to a server: use /watch in one.' },

  async execute(interaction, ctx) {
    const watches = ctx.state.watches;
    const guildId = interaction.guildId;
    const sub = interaction.options.getSubcommand();
    if (sub === 'list') {
      const mine = watches.inGuild(guildId).filter((w) => (w.channelId ? true : w.userId === interaction.user.id));
      if (!mine.length) return replyPrivately(interaction, 'No watches yet. Add one with `/watch add topic:`.');
      return replyPrivately(interaction, `🔭 Watches here:\n${mine.map(describe).join('\n')}`);
    }
    if (sub === 'remove') {
      const id = interaction.options.getInteger('id', true);
      const found = watches.get(id);
      const yours = found && found.guildId === guildId && (found.channelId ? isServerAdmin(interaction) : found.userId === interaction.user.id);
      if (!found || found.guildId !== guildId) return replyPrivately(interaction, `There is no watch #${id} here; see \`/watch list\`.`);
      if (!yours) return replyPrivately(interaction, 'Only its owner can remove a member\'s watch, and only server admins (Manage Server) a channel\'s.');
      watches.remove(id);
      return replyPrivately(interaction, `Stopped ${describe(found)}.`);
    }

    const topic = cleanQuestion(interaction.options.getString('topic', true)).text.slice(0, TOPIC_MAX_CHARS);
    const channel = interaction.options.getChannel('channel');
    if (channel && !isServerAdmin(interaction)) throw new UserError('Only server admins (with Manage Server) can add a watch for a channel. Leave `channel` out to watch it for yourself, by DM.');
    const existing = watches.inGuild(guildId);
    if (channel && existing.filter((w) => w.channelId).length >= MAX_CHANNEL_WATCHES) {
      throw new UserError(`This server's channels have ${MAX_CHANNEL_WATCHES} watches, the most there can be; remove one first.`);
    }
    if (!channel && existing.filter((w) => !w.channelId && w.userId === interaction.user.id).length >= MAX_OWN_WATCHES) {
      throw new UserError(`You have ${MAX_OWN_WATCHES} watches here, the most there can be; remove one first (\`/watch list\`).`);
    }
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const added = watches.add({ guildId, userId: interaction.user.id, channelId: channel?.id, topic, createdAt: new Date(ctx.now()).toISOString() });
    const matched = await ctx.watches.matchNew(added);
    const latest = ctx.engine.listing().date;
    const already = latest ? ` ${matched} paper${matched === 1 ? '' : 's'} of the latest list (${latest}) match${matched === 1 ? 'es' : ''} it.` : '';
    await replyPrivately(
      interaction,
      channel
        ? `🔭 Added ${describe(added)}: <#${channel.id}>'s daily post now brings the papers that match its watches.${already} \`/digest\` there shows it now.`
        : `🔭 Added ${describe(added)}: new papers that match it come to you by DM as they are indexed (allow DMs from this server's members).${already}`,
    );
  },
});
