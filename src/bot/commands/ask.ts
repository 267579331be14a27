import { SlashCommandBuilder } from 'discord.js';
import { cleanQuestion, MAX_QUESTION_CHARS } from '../../engine/question.js';
import { defineCommand } from '../context.js';
import { ASK_PAGE_SIZE } from '../render/ask.js';
import { askIsPublic, replyWithAsk } from './ask-reply.js';

export const ask = defineCommand({
  data: new SlashCommandBuilder()
    .setName('ask')
    .setDescription('Find the papers that answer a question')
    .addStringOption((o) =>
      o.setName('question').setDescription('What do you want to know?').setRequired(true).setMaxLength(2 * MAX_QUESTION_CHARS),
    )
    .addIntegerOption((o) => o.setName('results').setDescription('How many papers, 1–10 (default 5; pages of 5)').setMinValue(1).setMaxValue(10))
    .addBooleanOption((o) => o.setName('public').setDescription("Show the answer to the whole channel (default: the server's setting, public unless changed)"))
    .addBooleanOption((o) => o.setName('has_code').setDescription('Only papers with a code repository')),

  policy: { rateLimit: 'askLimiter' },

  async execute(interaction, ctx) {
    const question = interaction.options.getString('question', true);
    cleanQuestion(question); // An empty question is refused before anything is shown to the channel.
    await replyWithAsk(interaction, ctx, {
      question,
      total: interaction.options.getInteger('results') ?? ASK_PAGE_SIZE,
      isPublic: askIsPublic(interaction.options.getBoolean('public'), interaction.guildId, ctx),
      options: { hasCode: interaction.options.getBoolean('has_code') ?? false },
    });
  },
});
