import { resolve } from 'node:path';
import { z } from 'zod';
import { isTimeZone, TIME_PATTERN } from './util/local-time.js';
import { DEFAULT_MODEL, KNOWN_MODELS, resolveModelId, type ModelSpec } from './embedding/models.js';
import { isInside } from './util/paths.js';
import { UserError } from './errors.js';

/** Thrown with every wrong variable named, so a user can fix them all at once. */
export class ConfigError extends UserError {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every variable.`);
  }
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalText = z.string().optional();

const engineEnv = z.object({
  PAPERSCOUT_DATA_DIR: z.string().min(1).default('data'),
  PAPERSCOUT_SOURCES: z.string().min(1).default('seeds'),
  PAPERSCOUT_MODELS_DIR: z.string().min(1).optional(),
  PAPERSCOUT_ALLOW_EXTERNAL_PATHS: bool.default(false),
  EMBEDDING_MODEL: z.string().min(1).default(DEFAULT_MODEL),
  EMBEDDING_DTYPE: z.enum(['q8', 'fp32', 'fp16']).default('q8'),
  EMBEDDING_POOLING: z.enum(['mean', 'cls']).optional(),
  EMBEDDING_QUERY_PREFIX: optionalText,
  EMBEDDING_PASSAGE_PREFIX: optionalText,
  EMBEDDING_MAX_TOKENS: int(8, 8192).optional(),
  EMBEDDING_BATCH_SIZE: int(1, 256).default(1),
  EMBEDDING_THREADS: int(0, 256).default(0),
  MODEL_OFFLINE: bool.optional(),
  HF_HUB_OFFLINE: bool.optional(),
  HNSW_M: int(4, 96).default(16),
  HNSW_EF_CONSTRUCTION: int(10, 2000).default(200),
  HNSW_EF_SEARCH: int(10, 2000).default(256),
  LOW_CONFIDENCE_THRESHOLD: z.coerce.number().min(0).max(1).optional(),
  /** How long a writer waits for another live process holding the index lock (0 = not at all). */
  INDEX_LOCK_TIMEOUT_SECONDS: int(0, 86_400).default(600),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface EngineConfig {
  dataDir: string;
  sourcePaths: string[];
  modelsDir: string;
  model: Omit<ModelSpec, 'dimension' | 'maven'>;
  dtype: 'q8' | 'fp32' | 'fp16';
  offline: boolean;
  batchSize: number;
  threads: number;
  hnsw: { m: number; efConstruction: number; efSearch: number };
  /** Below this semantic score a best match is flagged as low confidence. */
  lowConfidenceThreshold: number;
  /**
   * How long a build waits for another live process holding the index lock, in ms
   * (INDEX_LOCK_TIMEOUT_SECONDS, default 600 s); a dead owner's lock is taken over at once.
   */
  lockTimeoutMs: number;
  logLevel: string;
}

type Env = Record<string, string | undefined>;

/** For a model no one has calibrated: a middling cosine; set LOW_CONFIDENCE_THRESHOLD after `npm run eval`. */
const UNCALIBRATED_THRESHOLD = 0.4;

/** Never echoed back, not even in an error message. */
const SECRET_VARIABLES = new Set(['DISCORD_TOKEN']);

/** Parses env with a schema; every issue is reported as `VARIABLE: problem (got "value")`. */
export function parseEnv<S extends z.ZodObject>(schema: S, env: Env): z.infer<S> {
  // Treat empty strings as unset, as .env files often leave placeholders blank.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const shown = SECRET_VARIABLES.has(name) ? 'value hidden' : `got ${JSON.stringify(present[name])}`;
      return `${name}: ${issue.message} (${shown})`;
    }),
  );
}

export function loadEngineConfig(env: Env = process.env, cwd = process.cwd()): EngineConfig {
  const e = parseEnv(engineEnv, env);
  const id = resolveModelId(e.EMBEDDING_MODEL);
  const known = KNOWN_MODELS[id];
  const dataDir = resolve(cwd, e.PAPERSCOUT_DATA_DIR);
  const sourcePaths = e.PAPERSCOUT_SOURCES.split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => resolve(cwd, p));
  const modelsDir = e.PAPERSCOUT_MODELS_DIR ? resolve(cwd, e.PAPERSCOUT_MODELS_DIR) : resolve(dataDir, 'models');
  if (!e.PAPERSCOUT_ALLOW_EXTERNAL_PATHS) {
    // Configured paths stay inside the project's data/ and seeds/ unless explicitly allowed.
    const roots = [resolve(cwd, 'data'), resolve(cwd, 'seeds')];
    const outside = [
      ['PAPERSCOUT_DATA_DIR', [dataDir]],
      ['PAPERSCOUT_SOURCES', sourcePaths],
      ['PAPERSCOUT_MODELS_DIR', [modelsDir]],
    ].flatMap(([name, paths]) => (paths as string[]).filter((p) => !roots.some((root) => isInside(p, root))).map((p) => `${name}: ${p} is outside data/ and seeds/; set PAPERSCOUT_ALLOW_EXTERNAL_PATHS=true to allow it`));
    if (outside.length) throw new ConfigError(outside);
  }
  return {
    dataDir,
    sourcePaths,
    modelsDir,
    model: {
      id,
      pooling: e.EMBEDDING_POOLING ?? known?.pooling ?? 'mean',
      maxTokens: e.EMBEDDING_MAX_TOKENS ?? known?.maxTokens ?? 512,
      queryPrefix: e.EMBEDDING_QUERY_PREFIX ?? known?.queryPrefix ?? '',
      passagePrefix: e.EMBEDDING_PASSAGE_PREFIX ?? known?.passagePrefix ?? '',
    },
    dtype: e.EMBEDDING_DTYPE,
    offline: Boolean(e.MODEL_OFFLINE || e.HF_HUB_OFFLINE),
    batchSize: e.EMBEDDING_BATCH_SIZE,
    threads: e.EMBEDDING_THREADS,
    hnsw: { m: e.HNSW_M, efConstruction: e.HNSW_EF_CONSTRUCTION, efSearch: e.HNSW_EF_SEARCH },
    lowConfidenceThreshold: e.LOW_CONFIDENCE_THRESHOLD ?? known?.lowConfidenceThreshold ?? UNCALIBRATED_THRESHOLD,
    lockTimeoutMs: e.INDEX_LOCK_TIMEOUT_SECONDS * 1000,
    logLevel: e.LOG_LEVEL,
  };
}

export class MissingTokenError extends UserError {
  constructor() {
    super(
      'DISCORD_TOKEN is not set, so the bot cannot log in to Discord.\n' +
        'Put your bot token in .env (see README, "Running the Discord bot"), ' +
        'or try paperscout without Discord: npx paperscout ask "how do MLPs scale on vision tasks?"',
    );
  }
}

const snowflake = z.string().regex(/^\d{17,20}$/, 'must be a Discord id (17-20 digits)');

const botEnv = z.object({
  DISCORD_TOKEN: z.string().min(1),
  DISCORD_GUILD_ID: snowflake.optional(),
  DISCORD_API_BASE: z.string().url().optional(),
  ASK_RATE_LIMIT_COUNT: int(1, 1000).default(5),
  ASK_RATE_LIMIT_WINDOW_SECONDS: int(1, 86_400).default(60),
});

export interface BotConfig {
  token: string;
  guildId?: string;
  /** REST base URL of a Discord-compatible server; the gateway URL is discovered from it. */
  apiBase?: string;
  askRateLimit: { count: number; windowSeconds: number };
}

export function loadBotConfig(env: Env = process.env): BotConfig {
  if (!env.DISCORD_TOKEN?.trim()) throw new MissingTokenError();
  const e = parseEnv(botEnv, env);
  return {
    token: e.DISCORD_TOKEN.trim(),
    guildId: e.DISCORD_GUILD_ID,
    apiBase: e.DISCORD_API_BASE?.replace(/\/+$/, ''),
    askRateLimit: { count: e.ASK_RATE_LIMIT_COUNT, windowSeconds: e.ASK_RATE_LIMIT_WINDOW_SECONDS },
  };
}

const time = z.string().regex(TIME_PATTERN, 'must be a time HH:MM (24-hour)');
const timeZone = z.string().refine(isTimeZone, 'must be an IANA time zone such as UTC or Europe/Berlin');

const feedEnv = z.object({
  HF_API_BASE: z.string().url().default('https://huggingface.co'),
  HF_FETCH_TIMEOUT_SECONDS: int(1, 600).default(15),
  HF_FETCH_RETRIES: int(0, 10).default(4),
  HF_RETRY_MAX_WAIT_SECONDS: int(1, 86_400).default(120),
  HF_MAX_RESPONSE_MB: int(1, 1024).default(50),
  REFRESH_TIME: time.default('06:00'),
  REFRESH_TIMEZONE: timeZone.default('UTC'),
  REFRESH_DAYS: int(1, 14).default(2),
  DAILY_POST_TIME: time.default('08:00'),
});

export interface FeedConfig {
  apiBase: string;
  timeoutMs: number;
  retries: number;
  /**
   * The longest wait before a retry, in ms (HF_RETRY_MAX_WAIT_SECONDS, default 120 s). A server whose
   * Retry-After asks for more fails that day instead of stalling the fetch.
   */
  retryMaxWaitMs: number;
  /** A larger API response is refused, in bytes (HF_MAX_RESPONSE_MB, default 50 MB of 2^20 bytes). */
  maxResponseBytes: number;
  /** When the bot fetches new lists each day, in `timezone`. */
  refreshTime: string;
  timezone: string;
  /** Days fetched each refresh, ending today: yesterday's list settles overnight. */
  refreshDays: number;
  /** Default time of a server's daily post, in `timezone`. */
  postTime: string;
}

export function loadFeedConfig(env: Env = process.env): FeedConfig {
  const e = parseEnv(feedEnv, env);
  return {
    apiBase: e.HF_API_BASE.replace(/\/+$/, ''),
    timeoutMs: e.HF_FETCH_TIMEOUT_SECONDS * 1000,
    retries: e.HF_FETCH_RETRIES,
    retryMaxWaitMs: e.HF_RETRY_MAX_WAIT_SECONDS * 1000,
    maxResponseBytes: e.HF_MAX_RESPONSE_MB * 1024 * 1024,
    refreshTime: e.REFRESH_TIME,
    timezone: e.REFRESH_TIMEZONE,
    refreshDays: e.REFRESH_DAYS,
    postTime: e.DAILY_POST_TIME,
  };
}
