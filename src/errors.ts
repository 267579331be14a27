/**
 * paperscout's error classes. Each has a stable `code` for logs and tests; the fields besides the
 * message are its detail. Both survive a worker thread (see serializeError and reviveError).
 * ConfigError and MissingTokenError live with the configuration they describe (config.ts).
 */

/** An error caused by input or setup, with a message written for the person who can fix it. */
export class UserError extends Error {
  readonly code: string = 'user-error';

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class UnknownPaperError extends UserError {
  override readonly code = 'unknown-paper';

  constructor(readonly query: string) {
    super(`No paper matches "${query}".`);
  }
}

export class ReloadInProgressError extends UserError {
  override readonly code = 'reload-in-progress';

  constructor() {
    super('A reload is already running; try again when it has finished.');
  }
}

/** A reload stopped before its new generation was committed (the bot is stopping); the live index is as it was. */
export class ReloadCancelledError extends UserError {
  override readonly code = 'reload-cancelled';

  constructor() {
    super('The reload was cancelled because paperscout is stopping; the index is unchanged.');
  }
}

export class InvalidQuestionError extends UserError {
  override readonly code = 'invalid-question';
}

/** The sources held no usable paper; `problems` are what could not be read, already formatted. */
export class NoPapersError extends UserError {
  override readonly code = 'no-papers';

  constructor(
    readonly sources: readonly string[],
    readonly problems: readonly string[],
  ) {
    super(`No papers found in ${sources.join(', ')}.` + (problems.length ? ` Problems:\n${problems.slice(0, 10).join('\n')}` : ''));
  }
}

export class ModelUnavailableError extends UserError {
  override readonly code = 'model-unavailable';

  constructor(
    readonly modelId: string,
    detail: string,
  ) {
    super(
      `The embedding model ${modelId} could not be loaded: ${detail}\n` +
        'Fix: connect to the internet so it can download from the Hugging Face hub once, ' +
        'or provision it offline with `npm run model:offline` (see README, "Models offline").',
    );
  }
}

export class PathOutsideError extends UserError {
  override readonly code = 'path-outside';

  constructor(path: string, roots: readonly string[]) {
    super(
      `Refusing ${path}: paperscout only reads and writes inside ${roots.join(' and ')}. ` +
        'Copy the file there, or pass --allow-outside to read it where it is.',
    );
  }
}

/** Another process held the index lock for longer than the writer would wait (INDEX_LOCK_TIMEOUT_SECONDS). */
export class IndexLockedError extends UserError {
  override readonly code = 'index-locked';

  constructor(
    readonly path: string,
    readonly waitedSeconds: number,
    /** Who holds it, as the lock says ("pid 123 (…, since …)"), when it says. */
    readonly holder: string | undefined,
    /** False when the holder runs on another host, where this one cannot tell whether it is alive. */
    readonly checkable: boolean,
  ) {
    super(
      `Gave up after ${waitedSeconds} s waiting for the index lock ${path}, held by ${holder ?? 'a process that did not record who it is'}` +
        (checkable
          ? ', which is still running. Let it finish (or stop it), then run this command again. '
          : ', on a host where this machine cannot check it. ') +
        `Remove ${path} only when no paperscout process (bot, ingest, fetch, index build) is using this data dir; ` +
        'a lock whose owner has died on this host is taken over by itself. INDEX_LOCK_TIMEOUT_SECONDS sets how long to wait.',
    );
  }
}

/** A file paperscout was about to write resolves, through a symlink, to a place outside its data folder. */
export class WriteOutsideError extends UserError {
  override readonly code = 'write-outside';

  constructor(
    readonly path: string,
    readonly resolved: string,
    readonly dataDir: string,
  ) {
    super(
      `Refusing to write ${path}: it resolves to ${resolved}, outside the data folder ${dataDir}. ` +
        `A symlink inside ${dataDir} leads out of it; replace the link with a real folder.`,
    );
  }
}

export type IndexProblem = 'missing' | 'corrupt' | 'mismatch';

/** The live index generation cannot be used; the engine rebuilds it from the sources. */
export class IndexLoadError extends Error {
  readonly code = 'index-load';

  constructor(
    readonly problem: IndexProblem,
    message: string,
  ) {
    super(message);
    this.name = 'IndexLoadError';
  }
}

export class SentenceStoreFormatError extends Error {
  readonly code = 'sentence-store-format';

  constructor(message: string) {
    super(message);
    this.name = 'SentenceStoreFormatError';
  }
}

/** Thrown with every wrong variable named, so a user can fix them all at once. */
export class ConfigError extends UserError {
  override readonly code = 'config';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every variable.`);
  }
}

/** The bot was started without a token. */
export class MissingTokenError extends UserError {
  override readonly code = 'missing-token';
  constructor() {
    super(
      'DISCORD_TOKEN is not set, so the bot cannot log in to Discord.\n' +
        'Put your bot token in .env (see README, "Running the Discord bot"), ' +
        'or try paperscout without Discord: npx paperscout ask "how do MLPs scale on vision tasks?"',
    );
  }
}

/** Discord refused the bot's login (a wrong token, missing intents, an unreachable gateway). */
export class BotLoginError extends UserError {
  override readonly code = 'bot-login';
}

/** A Hugging Face API request that failed (status and Retry-After when the server sent them). */
/** The bot's state database was written by a newer paperscout, whose schema this one does not know. */
export class StateVersionError extends UserError {
  override readonly code = 'state-version';
  constructor(
    readonly path: string,
    readonly version: number,
    readonly known: number,
  ) {
    super(`${path} has schema version ${version}, newer than this paperscout knows (${known}); run the newer version, or restore a backup.`);
  }
}

export class FetchError extends Error {
  readonly code = 'fetch';
  constructor(
    message: string,
    readonly status?: number,
    /** The server's Retry-After, as sent and in ms. */
    readonly retryAfter?: { header: string; ms: number },
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

/** A write failed for want of space (ENOSPC) or quota (EDQUOT); nothing half-written was made live. */
export class DiskFullError extends UserError {
  override readonly code = 'disk-full';

  constructor(
    readonly errno: string,
    /** What was being written, when known. */
    readonly path: string | undefined,
  ) {
    super(
      `No space left on device (${errno}) while writing ${path ?? 'to the data folder'}. ` +
        'Free some space there and run the command again; the last good index is untouched.',
    );
  }
}

const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);

/** A full-disk error as a DiskFullError naming what was being written (else the path the error names); any other error unchanged. */
export function diskFullOr(error: unknown, path?: string): unknown {
  if (error instanceof DiskFullError) return error;
  const { code, path: own } = (error ?? {}) as { code?: unknown; path?: unknown };
  if (typeof code !== 'string' || !DISK_FULL_CODES.has(code)) return error;
  return new DiskFullError(code, path ?? (typeof own === 'string' ? own : undefined));
}

type ErrorClass = abstract new (...args: never[]) => Error;

// Keyed by `code`: the classes a worker thread's error can be revived as.
const CLASSES: Record<string, ErrorClass> = {
  'user-error': UserError,
  'unknown-paper': UnknownPaperError,
  'reload-in-progress': ReloadInProgressError,
  'reload-cancelled': ReloadCancelledError,
  'invalid-question': InvalidQuestionError,
  'no-papers': NoPapersError,
  'model-unavailable': ModelUnavailableError,
  'path-outside': PathOutsideError,
  'index-locked': IndexLockedError,
  'write-outside': WriteOutsideError,
  'index-load': IndexLoadError,
  'sentence-store-format': SentenceStoreFormatError,
  config: ConfigError,
  'missing-token': MissingTokenError,
  'bot-login': BotLoginError,
  fetch: FetchError,
  'disk-full': DiskFullError,
};

/** An error as plain data, fit for postMessage (which would keep only the message of a class instance). */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** Whether it was a UserError: a class this module does not know is revived as one. */
  user: boolean;
  /** The error's own fields: its code and detail. */
  fields: Record<string, unknown>;
}

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), user: false, fields: {} };
  // Only data survives structured cloning; functions and the like are left behind.
  const fields = Object.fromEntries(Object.entries(error).filter(([, value]) => typeof value !== 'function'));
  return { name: error.name, message: error.message, stack: error.stack, user: error instanceof UserError, fields };
}

/** The error again, of its class when the code is known here, with its code, detail, message and stack. */
export function reviveError(data: SerializedError): Error {
  const code = data.fields.code;
  const known = typeof code === 'string' ? CLASSES[code] : undefined;
  const prototype = (known ?? (data.user ? UserError : Error)).prototype as Error;
  const error = Object.assign(Object.create(prototype) as Error, data.fields);
  Object.defineProperty(error, 'message', { value: data.message, writable: true, configurable: true });
  Object.defineProperty(error, 'stack', { value: data.stack, writable: true, configurable: true });
  error.name = data.name;
  return error;
}
