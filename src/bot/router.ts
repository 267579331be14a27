import type { Interaction, RepliableInteraction } from 'discord.js';
import { UserError } from '../errors.js';
import type { BotContext, ButtonHandler, ButtonHandlers, ButtonKind, ModalHandler, ModalHandlers, ModalKind, Policy, SlashCommand } from './context.js';
import { decodeButton, decodeModal } from './custom-ids.js';
import { newIncidentId } from './incident.js';
import { refusal } from './policy.js';
import { replyPrivately } from './replies.js';

/** discord.js's codes for options Discord itself would never send: missing or of the wrong type. */
const MALFORMED_OPTION_CODES = new Set(['CommandInteractionOptionNotFound', 'CommandInteractionOptionType', 'CommandInteractionOptionEmpty']);

function isMalformedOption(error: unknown): boolean {
  return typeof error === 'object' && error !== null && MALFORMED_OPTION_CODES.has(String((error as { code?: unknown }).code));
}

export const EXPIRED_BUTTON = 'This button has expired or is no longer valid. Run the command again for fresh results.';

/**
 * Routes every interaction: commands by name, buttons by the kind in their custom_id, never by memory.
 * Each command's and button's declared policy is enforced here, before its handler runs.
 */
export function createRouter(ctx: BotContext, commands: readonly SlashCommand[], buttons: ButtonHandlers, modals?: ModalHandlers) {
  const byName = new Map(commands.map((c) => [c.data.name, c]));

  async function guarded(interaction: RepliableInteraction, name: string, work: () => Promise<void>): Promise<void> {
    const tell = (text: string) =>
      replyPrivately(interaction, text).catch((e: unknown) => ctx.log.warn({ err: e, name }, 'could not send an error reply'));
    try {
      await work();
    } catch (error) {
      if (error instanceof UserError) return void (await tell(error.message));
      if (isMalformedOption(error)) {
        ctx.log.warn({ name, user: interaction.user.id, reason: (error as Error).message }, 'malformed command options');
        return void (await tell(`That command arrived with missing or malformed options. Run \`/${name}\` again from Discord's command picker, or see \`/help\`.`));
      }
      // Users get an id they can quote; the details stay in the log.
      const incident = newIncidentId();
      ctx.log.error({ err: error, incident, name, user: interaction.user.id }, 'interaction failed');
      await tell(`Something went wrong on our side. If it keeps happening, tell the bot's admin: incident \`${incident}\`.`);
    }
  }

  /** Runs the handler if its policy allows this interaction; otherwise tells the user why not. */
  function enforced(policy: Policy | undefined, interaction: RepliableInteraction, run: () => Promise<void>): Promise<void> {
    const refused = refusal(policy, interaction, ctx);
    return refused ? replyPrivately(interaction, refused) : run();
  }

  return async function route(interaction: Interaction): Promise<void> {
    if (interaction.isChatInputCommand()) {
      const command = byName.get(interaction.commandName);
      if (!command) {
        await guarded(interaction, interaction.commandName, () =>
          replyPrivately(interaction, `I don't know the command \`/${interaction.commandName}\`. Try \`/help\`.`),
        );
        return;
      }
      await guarded(interaction, command.data.name, () => enforced(command.policy, interaction, () => command.execute(interaction, ctx)));
    } else if (interaction.isAutocomplete()) {
      const command = byName.get(interaction.commandName);
      try {
        if (command?.autocomplete) await command.autocomplete(interaction, ctx);
        else await interaction.respond([]);
      } catch (error) {
        ctx.log.warn({ err: error, command: interaction.commandName }, 'autocomplete failed');
      }
    } else if (interaction.isButton()) {
      const action = decodeButton(interaction.customId);
      await guarded(interaction, `button:${action?.kind ?? 'unknown'}`, async () => {
        if (!action) return replyPrivately(interaction, EXPIRED_BUTTON);
        // The map is keyed by kind, so this handler takes this action; the compiler cannot follow that.
        const handler = buttons[action.kind] as ButtonHandler<ButtonKind>;
        await enforced(handler.policy, interaction, () => handler.handle(interaction, action, ctx));
      });
    } else if (interaction.isModalSubmit()) {
      const action = decodeModal(interaction.customId);
      await guarded(interaction, `modal:${action?.kind ?? 'unknown'}`, async () => {
        if (!action || !modals) return replyPrivately(interaction, EXPIRED_BUTTON);
        // As for buttons: keyed by kind, so this handler takes this action.
        const handler = modals[action.kind] as ModalHandler<ModalKind>;
        await enforced(handler.policy, interaction, () => handler.handle(interaction, action, ctx));
      });
    } else if (interaction.isRepliable()) {
      await guarded(interaction, 'unsupported', () => replyPrivately(interaction, "paperscout doesn't handle that kind of interaction."));
    }
  };
}
