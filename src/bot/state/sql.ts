import type Database from 'libsql';

/** A connection to the state database (libsql's better-sqlite3-compatible API). */
export type Sql = Database.Database;
