import { SlashCommandBuilder, type AutocompleteInteraction } from 'discord.js';
import { type BotContext, defineCommand } from '../context.js';
import { renderPaper } from '../render/lists.js';
import { replyWithResources } from './paper-resources.js';
import { LIMITS, truncate } from '../render/text.js';

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
    .addStringOption((o) => o.setName('query').setDescription('Start typing a title, or give an arXiv id or link').setRequired(true).setAutocomplete(true)),

  async execute(interaction, ctx) {
    const detail = ctx.engine.paper(interaction.options.getString('query', true));
    const votes = interaction.inGuild() ? ctx.votes.counts(interaction.guildId, [detail.id]) : undefined;
    await replyWithResources(interaction, ctx, detail, (resources) => renderPaper(detail, votes, resources));
  },

  autocomplete: suggestPapers,
});
