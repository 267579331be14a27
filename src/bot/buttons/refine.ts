import { MessageFlags, type Message } from 'discord.js';
import { cleanQuestion } from '../../engine/question.js';
import { defineButton, defineModal, type ButtonHandler, type ModalHandler } from '../context.js';
import { decodeButton, turnsHash } from '../custom-ids.js';
import { turnsFromMessage } from '../render/ask.js';
import { FOLLOW_UP_FIELD, renderRefineModal } from '../render/refine.js';
import { replyPrivately } from '../replies.js';
import { EXPIRED_BUTTON } from '../router.js';
import { replyWithAsk } from '../commands/ask-reply.js';

/** The questions of an /ask reply, if the message is one and matches the hash its button carried. */
export function checkedTurns(message: Pick<Message, 'content'> | null, questionHash: string): string[] | undefined {
  const turns = message ? turnsFromMessage(message.content) : undefined;
  return turns && turnsHash(turns) === questionHash ? turns : undefined;
}

/**
 * Whether an /ask reply is public, as its Refine button says (its own state, in its custom_id); a
 * reply from before Refine existed is public unless flagged ephemeral.
 */
export function shownPublicly(message: Pick<Message, 'components' | 'flags'>): boolean {
  for (const row of message.components) {
    const buttons = (row.toJSON() as { components?: { custom_id?: string }[] }).components ?? [];
    for (const { custom_id: id } of buttons) {
      const action = id ? decodeButton(id) : undefined;
      if (action?.kind === 'refine') return action.isPublic;
    }
  }
  return !message.flags.has(MessageFlags.Ephemeral);
}

/** Refine on an /ask reply: opens a modal for a follow-up; nothing is searched until it is sent. */
export const refineButton: ButtonHandler<'refine'> = defineButton({
  async handle(interaction, action) {
    const turns = checkedTurns(interaction.message, action.questionHash);
    if (!turns) return replyPrivately(interaction, EXPIRED_BUTTON);
    await interaction.showModal(renderRefineModal({ ...action, kind: 'followUp' }, turns));
  },
});

/**
 * The follow-up, sent: searched in the context of the reply's questions (read back from the message
 * the button was on, checked against the hash), and answered as a new reply, shown as that one was.
 */
export const followUpModal: ModalHandler<'followUp'> = defineModal({
  // Each follow-up is a new search, so it counts like an /ask.
  policy: { rateLimit: 'askLimiter' },
  async handle(interaction, action, ctx) {
    const followUp = interaction.fields.getTextInputValue(FOLLOW_UP_FIELD);
    cleanQuestion(followUp); // An empty follow-up is refused before anything is shown.
    const turns = checkedTurns(interaction.message, action.questionHash);
    if (!turns) return replyPrivately(interaction, EXPIRED_BUTTON);
    await replyWithAsk(interaction, ctx, { question: followUp, total: action.total, isPublic: action.isPublic, options: { context: turns } });
  },
});
