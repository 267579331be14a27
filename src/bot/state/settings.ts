import { StateDatabase } from './database.js';

export const ASK_VISIBILITIES = ['public', 'private'] as const;
export type AskVisibility = (typeof ASK_VISIBILITIES)[number];

/** A server's settings, as every handler reads them: each one set, to its default if never changed. */
export interface GuildSettings {
  /** Who sees an /ask answer when the asker does not say: the channel (default) or only the asker. */
  askVisibility: AskVisibility;
}

export const DEFAULT_SETTINGS: GuildSettings = { askVisibility: 'public' };

/**
 * Settings per server, changed by its admins with /settings. A row holds only what an admin changed
 * (NULL = the default), so a changed default reaches every server that never chose.
 */
export class SettingsStore {
  constructor(private readonly db: StateDatabase) {}

  get(guildId: string): GuildSettings {
    const row = this.db.sql.prepare('SELECT ask_visibility FROM settings WHERE guild_id = ?').get(guildId) as
      | { ask_visibility: string | null }
      | undefined;
    const askVisibility = ASK_VISIBILITIES.find((v) => v === row?.ask_visibility);
    return { ...DEFAULT_SETTINGS, ...(askVisibility && { askVisibility }) };
  }

  /** Changes some of a server's settings in one transaction; returns all of them. */
  update(guildId: string, patch: Partial<GuildSettings>): GuildSettings {
    return this.db.change(() => {
      this.db.sql
        .prepare(
          `INSERT INTO settings (guild_id, ask_visibility) VALUES (?, ?)
           ON CONFLICT (guild_id) DO UPDATE SET ask_visibility = coalesce(excluded.ask_visibility, ask_visibility)`,
        )
        .run(guildId, patch.askVisibility ?? null);
      return this.get(guildId);
    });
  }
}
