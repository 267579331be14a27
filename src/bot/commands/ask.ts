import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { cleanQuestion, MAX_QUESTION_CHARS } from '../../engine/question.js';
import { defineCommand } from '../context.js';
import { ASK_PAGE_SIZE, renderAsk } from '../render/ask.js';

export const ask = defineCommand({
  data: new SlashCommandBuilder()
    .setName('ask')
    .setDescription('Find the papers that answer a question')
    .addStringOption((o) =>
      o.setName('question').setDescription('What do you want to know?').setRequired(true).setMaxLength(2 * MAX_QUESTION_CHARS),
    )
    .addIntegerOption((o) => o.setName('results').setDescription('How many papers, 1–10 (default 5; pages of 5)').setMinValue(1).setMaxValue(10))
    .addBooleanOption((o) => o.setName('public').setDescription('Show the answer to the whole channel (default: only you)'))
    .addBooleanOption((o) => o.setName('has_code').setDescription('Only papers with a code repository')),

  policy: { rateLimit: 'askLimiter' },

  async execute(interaction, ctx) {
    const question = interaction.options.getString('question', true);
    cleanQuestion(question); // An empty question is refused before anything is shown to the channel.
    const total = interaction.options.getInteger('results') ?? ASK_PAGE_SIZE;
    const isPublic = interaction.options.getBoolean('public') ?? false;
    await interaction.deferReply(isPublic ? {} : { flags: MessageFlags.Ephemeral });
    const started = performance.now();
    const hasCode = interaction.options.getBoolean('has_code') ?? false;
    const result = await ctx.engine.ask(question, { k: Math.min(total, ASK_PAGE_SIZE), hasCode });
    ctx.askLatency.record(performance.now() - started);
    const votes = interaction.inGuild() ? ctx.votes.counts(interaction.guildId, result.results.map((r) => r.id)) : undefined;
    await interaction.editReply(renderAsk({ result, total, votes, hasCode }));
  },
});
