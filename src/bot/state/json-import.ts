import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../log.js';
import type { Sql } from './sql.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** `data/bot/state.json`, as versions before the database wrote it. */
const stateFileSchema = z.object({
  version: z.literal(1),
  subscriptions: z.record(
    z.string(),
    z.object({
      channelId: z.string(),
      time: z.string().regex(/^\d{2}:\d{2}$/),
      timezone: z.string(),
      limit: z.number().int().min(1).max(20),
      subscribedBy: z.string(),
      createdAt: z.string(),
      lastPostedOn: isoDate.optional(),
      lastPostedList: isoDate.optional(),
      lastError: z.string().optional(),
    }),
  ),
  refresh: z.object({ lastRunOn: isoDate.optional() }),
});

/** `data/bot/votes.json`: guild → paper → user → when the vote was cast. */
const votesFileSchema = z.object({
  version: z.literal(1),
  guilds: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.string()))),
});

/** A JSON file of an older version and how its content goes into the database (idempotent: upserts). */
interface LegacyFile {
  name: string;
  load(sql: Sql, json: unknown): void;
}

function legacy<S extends z.ZodType>(name: string, schema: S, insert: (sql: Sql, value: z.infer<S>) => void): LegacyFile {
  return { name, load: (sql, json) => insert(sql, schema.parse(json)) };
}

/**
 * The JSON files the database replaces, imported once each (settings came after the move to SQLite,
 * so they never had a file).
 */
export const LEGACY_FILES: readonly LegacyFile[] = [
  legacy('state.json', stateFileSchema, (sql, state) => {
    const put = sql.prepare(
      `INSERT OR REPLACE INTO subscriptions (guild_id, channel_id, time, timezone, post_limit, subscribed_by, created_at, last_posted_on, last_posted_list, last_error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const [guildId, s] of Object.entries(state.subscriptions)) {
      put.run(guildId, s.channelId, s.time, s.timezone, s.limit, s.subscribedBy, s.createdAt, s.lastPostedOn ?? null, s.lastPostedList ?? null, s.lastError ?? null);
    }
    if (state.refresh.lastRunOn) sql.prepare('INSERT OR REPLACE INTO refresh (id, last_run_on) VALUES (1, ?)').run(state.refresh.lastRunOn);
  }),
  legacy('votes.json', votesFileSchema, (sql, votes) => {
    const put = sql.prepare('INSERT OR REPLACE INTO votes (guild_id, paper_id, user_id, at) VALUES (?, ?, ?, ?)');
    for (const [guildId, papers] of Object.entries(votes.guilds)) {
      for (const [paperId, voters] of Object.entries(papers)) {
        for (const [userId, at] of Object.entries(voters)) put.run(guildId, paperId, userId, at);
      }
    }
  }),
];

/**
 * Imports each legacy file found in `data/bot/` in one transaction, then renames it to
 * `<name>.imported-<time>` as a backup. A crash between the two imports it again on the next start,
 * to the same rows. A file that does not parse or validate is set aside (`.corrupt-<time>`), as before.
 */
export function importJsonFiles(dataDir: string, sql: Sql, log: Logger, files: readonly LegacyFile[] = LEGACY_FILES): void {
  for (const file of files) {
    const path = join(dataDir, 'bot', file.name);
    if (!existsSync(path)) continue;
    try {
      const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
      sql.transaction(() => file.load(sql, json)).immediate();
    } catch (error) {
      const aside = `${path}.corrupt-${Date.now()}`;
      renameSync(path, aside);
      log.error({ path, aside, err: error }, 'a state file was unreadable; it was set aside and not imported');
      continue;
    }
    const backup = `${path}.imported-${Date.now()}`;
    renameSync(path, backup);
    log.info({ path, backup }, 'imported a JSON state file into the database; the file is kept as a backup');
  }
}
