import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'libsql';
import type { Logger } from '../../log.js';
import { confineWrite } from '../../util/paths.js';
import { importJsonFiles } from './json-import.js';
import { migrate } from './migrations.js';
import type { Sql } from './sql.js';

/** Where the bot keeps its state, in the data dir. */
export const STATE_DATABASE = join('bot', 'state.db');

/**
 * The bot's state, in SQLite (through libsql, whose prebuilt Node-API binary installs from the npm
 * registry and loads on every Node version). WAL with synchronous FULL, and one transaction for each
 * change: a change is on disk when it returns, and a crash loses at most the change being made.
 */
export class StateDatabase {
  private constructor(
    readonly path: string,
    readonly sql: Sql,
  ) {}

  /** Opens (or creates) `data/bot/state.db`, migrates it, and imports the JSON files of older versions once. */
  static open(dataDir: string, log: Logger): StateDatabase {
    const path = confineWrite(join(dataDir, STATE_DATABASE), dataDir);
    mkdirSync(dirname(path), { recursive: true });
    const sql = new Database(path);
    try {
      sql.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
      migrate(sql, path, log);
      importJsonFiles(dataDir, sql, log);
    } catch (error) {
      sql.close();
      throw error;
    }
    return new StateDatabase(path, sql);
  }

  /**
   * Runs one change as one transaction: all of it is kept, or none of it. Inside another change it
   * joins that one, so that store methods compose into a single change.
   */
  change<T>(apply: () => T): T {
    return this.sql.inTransaction ? apply() : this.sql.transaction(apply).immediate();
  }

  close(): void {
    if (this.sql.open) this.sql.close();
  }
}
