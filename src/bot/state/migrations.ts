import type { Logger } from '../../log.js';
import { StateVersionError } from '../../errors.js';
import type { Sql } from './sql.js';

/** One step of the schema: step i takes a database from version i to i + 1 (PRAGMA user_version). */
export interface Migration {
  name: string;
  sql: string;
}

/**
 * The bot state's schema, step by step. Append only: a step that has shipped is never edited, since
 * databases out there already ran it. A new table (such as per-server settings) is one more entry.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    name: 'subscriptions, the daily refresh and votes (what the JSON files held)',
    sql: `
      CREATE TABLE subscriptions (
        guild_id TEXT PRIMARY KEY,
        channel_id TEXT NOT NULL,
        time TEXT NOT NULL,
        timezone TEXT NOT NULL,
        post_limit INTEGER NOT NULL,
        subscribed_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_posted_on TEXT,
        last_posted_list TEXT,
        last_error TEXT
      ) STRICT;
      CREATE TABLE refresh (id INTEGER PRIMARY KEY CHECK (id = 1), last_run_on TEXT) STRICT;
      CREATE TABLE votes (
        guild_id TEXT NOT NULL,
        paper_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (guild_id, paper_id, user_id)
      ) STRICT, WITHOUT ROWID;`,
  },
  {
    name: 'topic watches, their matches, and skipping days without one',
    sql: `
      ALTER TABLE subscriptions ADD COLUMN skip_empty INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE watches (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        guild_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        channel_id TEXT,
        topic TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX watches_by_guild ON watches (guild_id);
      CREATE TABLE matches (
        watch_id INTEGER NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
        paper_id TEXT NOT NULL,
        strength REAL NOT NULL,
        excerpt TEXT NOT NULL,
        matched_at TEXT NOT NULL,
        delivered INTEGER NOT NULL,
        PRIMARY KEY (watch_id, paper_id)
      ) STRICT;
      CREATE INDEX matches_by_paper ON matches (paper_id);`,
  },
  {
    name: 'per-server settings (/settings)',
    sql: `
      CREATE TABLE settings (
        guild_id TEXT PRIMARY KEY,
        ask_visibility TEXT CHECK (ask_visibility IN ('public', 'private'))
      ) STRICT;`,
  },
  {
    name: 'the papers topic watches were matched against (to catch up on papers indexed while the bot was down)',
    sql: `CREATE TABLE watched_papers (paper_id TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;`,
  },
];

export function schemaVersion(sql: Sql): number {
  return (sql.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
}

/** Brings the schema up to date, each step in its own transaction with its version number. */
export function migrate(sql: Sql, path: string, log: Logger, steps: readonly Migration[] = MIGRATIONS): void {
  const version = schemaVersion(sql);
  if (version > steps.length) throw new StateVersionError(path, version, steps.length);
  for (let v = version; v < steps.length; v++) {
    sql
      .transaction(() => {
        sql.exec(steps[v]!.sql);
        sql.exec(`PRAGMA user_version = ${v + 1}`);
      })
      .immediate();
    log.info({ path, version: v + 1 }, `bot state: ${steps[v]!.name}`);
  }
}
