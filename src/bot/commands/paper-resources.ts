import type { ChatInputCommandInteraction } from 'discord.js';
import type { PaperDetail } from '../../engine/results.js';
import { parseArxivId } from '../../papers/paper.js';
import type { BotContext } from '../context.js';
import type { MessagePayload } from '../render/payload.js';
import type { ResourcesShown } from '../render/resources.js';

/**
 * Replies at once with what is known of the paper's Hub resources (stored lists, or "looking up"),
 * then, if the Hub had to be asked, edits the reply with its answer. The Hub never delays the reply,
 * and a Hub that does not answer leaves the paper shown with a one-line note.
 */
export async function replyWithResources(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
  detail: PaperDetail,
  render: (resources: ResourcesShown) => MessagePayload,
): Promise<void> {
  const arxivId = detail.links.arxiv ? parseArxivId(detail.id) : undefined;
  if (!arxivId) return void (await interaction.reply(render(undefined)));
  const fresh = ctx.resources.fresh(arxivId);
  await interaction.reply(render(fresh ?? 'pending'));
  if (fresh) return;
  await interaction.editReply(render(await ctx.resources.find(arxivId)));
}
