import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../log.js';
import { JsonStore } from './json-store.js';

export const ASK_VISIBILITIES = ['public', 'private'] as const;
export type AskVisibility = (typeof ASK_VISIBILITIES)[number];

/** A server's settings, as every handler reads them: each one set, to its default if never changed. */
export interface GuildSettings {
  /** Who sees an /ask answer when the asker does not say: the channel (default) or only the asker. */
  askVisibility: AskVisibility;
}

export const DEFAULT_SETTINGS: GuildSettings = { askVisibility: 'public' };

/** guild → only the settings an admin changed, so a changed default reaches every other server. */
const settingsSchema = z.object({
  version: z.literal(1),
  guilds: z.record(z.string(), z.object({ askVisibility: z.enum(ASK_VISIBILITIES).optional() })),
});

type SettingsFile = z.infer<typeof settingsSchema>;

/** Settings per server, changed by its admins with /settings. */
export class SettingsStore {
  private constructor(private readonly store: JsonStore<SettingsFile>) {}

  static open(dataDir: string, log: Logger): SettingsStore {
    return new SettingsStore(JsonStore.open(dataDir, join('bot', 'settings.json'), settingsSchema, () => ({ version: 1 as const, guilds: {} }), log));
  }

  get(guildId: string): GuildSettings {
    return { ...DEFAULT_SETTINGS, ...this.store.current.guilds[guildId] };
  }

  /** Changes some of a server's settings; resolves with all of them once on disk. */
  async update(guildId: string, patch: Partial<GuildSettings>): Promise<GuildSettings> {
    await this.store.update((file) => {
      file.guilds[guildId] = { ...file.guilds[guildId], ...patch };
    });
    return this.get(guildId);
  }

  flush(): Promise<void> {
    return this.store.flush();
  }
}
