#!/usr/bin/env node
import 'dotenv/config';
import { REST, Routes, type APIApplication } from 'discord.js';
import { loadBotConfig, type BotConfig } from '../config.js';
import { UserError } from '../errors.js';
import { COMMANDS } from './commands/index.js';
import { isMain } from '../util/is-main.js';

/**
 * Registers every slash command with one bulk overwrite (PUT): to one guild when DISCORD_GUILD_ID is
 * set (instant, for testing), otherwise globally (Discord may take up to an hour to show changes).
 */
export async function registerCommands(config: BotConfig): Promise<{ scope: string; names: string[] }> {
  const rest = new REST(config.apiBase ? { api: config.apiBase } : {}).setToken(config.token);
  let application: APIApplication;
  try {
    application = (await rest.get(Routes.currentApplication())) as APIApplication;
  } catch (error) {
    const status = (error as { status?: number }).status;
    throw new UserError(
      status === 401
        ? 'Discord rejected DISCORD_TOKEN. Copy the bot token again from the Developer Portal into .env.'
        : `Could not reach Discord: ${(error as Error).message}`,
    );
  }
  const body = COMMANDS.map((command) => command.data.toJSON());
  const route = config.guildId
    ? Routes.applicationGuildCommands(application.id, config.guildId)
    : Routes.applicationCommands(application.id);
  await rest.put(route, { body });
  return { scope: config.guildId ? `guild ${config.guildId}` : 'all servers (global)', names: body.map((c) => c.name) };
}

if (isMain(import.meta.url)) {
  registerCommands(loadBotConfig())
    .then(({ scope, names }) => process.stdout.write(`Registered ${names.map((n) => `/${n}`).join(', ')} for ${scope}.\n`))
    .catch((error: unknown) => {
      process.stderr.write(`paperscout register: ${(error as Error).message}\n`);
      process.exit(1);
    });
}
