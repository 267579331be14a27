import { ComponentType, TextInputStyle, type APIModalInteractionResponseCallbackData } from 'discord-api-types/v10';
import { MAX_QUESTION_CHARS } from '../../engine/question.js';
import { encodeModal, type ModalAction } from '../custom-ids.js';
import { truncate } from './text.js';

/** The custom_id of the modal's one text input. */
export const FOLLOW_UP_FIELD = 'followup';

/** Discord's limit on a modal label's description. */
const DESCRIPTION_CHARS = 100;

/** The modal a Refine button opens: one follow-up question, searched in the context of `turns`. */
export function renderRefineModal(action: ModalAction, turns: readonly string[]): APIModalInteractionResponseCallbackData {
  return {
    custom_id: encodeModal(action),
    title: 'Refine this search',
    components: [
      {
        type: ComponentType.Label,
        label: 'Follow-up question',
        // Plain text (modals render no markdown), so the question needs no escaping.
        description: truncate(`Searched together with: ${turns.join(' → ')}`, DESCRIPTION_CHARS),
        component: {
          type: ComponentType.TextInput,
          custom_id: FOLLOW_UP_FIELD,
          style: TextInputStyle.Short,
          placeholder: 'e.g. what about for language models?',
          required: true,
          max_length: 2 * MAX_QUESTION_CHARS,
        },
      },
    ],
  };
}
