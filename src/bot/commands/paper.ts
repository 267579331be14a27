import { SlashCommandBuilder, type AutocompleteInteraction } from 'discord.js';
import { MAX_QUESTION_CHARS } from '../../engine/question.js';
import { type BotContext, defineCommand } from '../context.js';
import { renderPaper } from '../render/lists.js';
import { replyWithResources } from './paper-resources.js';
import { LIMITS, truncate } from '../render/text.js';
import { votesFor } from './ask-reply.js';
import { replyWithPaperAnswer } from './paper-answer.js';

/** Title suggestions for an autocomplete option: at most 25, value = paper id. */
export async function suggestPapers(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  const typed = interaction.options.getFocused();
  const choices = ctx.engine
    .suggest(typed, LIMITS.choices)
    .filter((s) => s.id.length <= LIMITS.choiceValue)
    .map((s) => ({ name: truncate(s.title, LIMITS.choiceName), value: s.id }));
  await interaction.respond(choices);
}

export const paper = defineCommand({
  data: new SlashCommandBuilder()
    .setName('paper')
    .setDescription('Show one paper in full')
    .addStringOption((o) => o.setName('query').setDescription('Start typing a title, or give an arXiv id or link').setRequired(true).setAutocomplete(true))
    .addStringOption((o) =>
      o.setName('question').setDescription('Ask something of this paper: shows the sentences that answer it').setMaxLength(2 * MAX_QUESTION_CHARS),
    ),

  async execute(interaction, ctx) {
    const query = interaction.options.getString('query', true);
    const question = interaction.options.getString('question');
    if (question !== null) return replyWithPaperAnswer(interaction, ctx, query, question);
    const detail = ctx.engine.paper(query);
    const votes = votesFor(interaction, ctx, [detail.id]);
    await replyWithResources(interaction, ctx, detail, (resources) => renderPaper(detail, votes, resources));
  },

  autocomplete: suggestPapers,
});
