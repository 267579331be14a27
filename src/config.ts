import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { isTimeZone, TIME_PATTERN } from './util/local-time.js';
import { KNOWN_MODELS, resolveModelId, type ModelSpec } from './embedding/models.js';
import { isInside } from './util/paths.js';
import { ConfigError, MissingTokenError } from './errors.js';
import { formatIssue } from './util/zod-issues.js';


const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
// Each embedding worker holds a model of its own; past a few, memory grows faster than speed.
const MAX_DEFAULT_WORKERS = 4;

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalText = z.string().optional();

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The programs whose log level defaults differ. */
export type Face = 'bot' | 'cli' | 'fetch';

/**
 * The log level when LOG_LEVEL is unset: the bot's log is all it says, so it tells what it does;
 * the CLI speaks to people on stdout, so its log shows only warnings; and `paperscout fetch`
 * reports each day itself, so its daily-papers client logs only errors.
 */
const DEFAULT_LOG_LEVEL: Record<Face, LogLevel> = { bot: 'info', cli: 'warn', fetch: 'error' };

const logEnv = z.object({ LOG_LEVEL: z.enum(LOG_LEVELS).optional() });

const engineEnv = z.object({
  PAPERSCOUT_DATA_DIR: z.string().min(1).default('data'),
  PAPERSCOUT_SOURCES: z.string().min(1).default('seeds'),
  PAPERSCOUT_MODELS_DIR: z.string().min(1).optional(),
  PAPERSCOUT_ALLOW_EXTERNAL_PATHS: bool.default(false),
  EMBEDDING_MODEL: z.string().min(1).default('minilm'),
  EMBEDDING_DTYPE: z.enum(['q8', 'fp32', 'fp16']).default('q8'),
  EMBEDDING_POOLING: z.enum(['mean', 'cls']).optional(),
  EMBEDDING_QUERY_PREFIX: optionalText,
  EMBEDDING_PASSAGE_PREFIX: optionalText,
  EMBEDDING_MAX_TOKENS: int(8, 8192).optional(),
  EMBEDDING_BATCH_SIZE: int(1, 256).default(1),
  EMBEDDING_THREADS: int(0, 256).default(0),
  EMBEDDING_WORKERS: int(0, 64).default(0),
  MODEL_OFFLINE: bool.optional(),
  HF_HUB_OFFLINE: bool.optional(),
  HF_ENDPOINT: z.string().url().default('https://huggingface.co'),
  HNSW_M: int(4, 96).default(16),
  HNSW_EF_CONSTRUCTION: int(10, 2000).default(200),
  HNSW_EF_SEARCH: int(10, 2000).default(512),
  LOW_CONFIDENCE_THRESHOLD: z.coerce.number().min(0).max(1).optional(),
  /** How long a writer waits for another live process holding the index lock (0 = not at all). */
  INDEX_LOCK_TIMEOUT_SECONDS: int(0, 86_400).default(600),
  ...logEnv.shape,
});

/** What the engine needs: where things live, the model, the index and the answers. */
export interface EngineConfig {
  /** Where the index, embedding cache and models live (PAPERSCOUT_DATA_DIR). Default: `data`. */
  dataDir: string;
  /** Files or folders of papers (PAPERSCOUT_SOURCES, comma-separated). Default: `seeds`. */
  sourcePaths: string[];
  /** The models folder (PAPERSCOUT_MODELS_DIR). Default: `<dataDir>/models`. */
  modelsDir: string;
  /**
   * The embedding model (EMBEDDING_MODEL: an alias or a hub id; default `minilm`, that is
   * Xenova/all-MiniLM-L6-v2). Pooling, prefixes and token limit come from the known model unless
   * EMBEDDING_POOLING, EMBEDDING_QUERY_PREFIX, EMBEDDING_PASSAGE_PREFIX or EMBEDDING_MAX_TOKENS say
   * otherwise; for an unknown model: mean pooling, no prefixes, 512 tokens.
   */
  model: Omit<ModelSpec, 'dimension' | 'maven'>;
  /** Weights to load (EMBEDDING_DTYPE). Default: `q8`. */
  dtype: 'q8' | 'fp32' | 'fp16';
  /** Never contact the Hugging Face hub (MODEL_OFFLINE or HF_HUB_OFFLINE). Default: false. */
  offline: boolean;
  /**
   * Where models are downloaded from (HF_ENDPOINT, as Hugging Face's own tools read it: the hub, or a
   * mirror of it). Default: `https://huggingface.co`.
   */
  modelHub: string;
  /** Texts per inference batch when indexing (EMBEDDING_BATCH_SIZE). Default: 1, reproducible vectors. */
  batchSize: number;
  /** onnxruntime threads per inference (EMBEDDING_THREADS). Default: 0, onnxruntime decides. */
  threads: number;
  /**
   * Worker threads that embed papers when indexing, each with its own model on one onnxruntime thread
   * (EMBEDDING_WORKERS); 1 embeds on the indexing thread itself. Default: 0, one per core, at most 4.
   */
  workers: number;
  /** HNSW graph degree and candidate lists (HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH). Default: 16, 200, 512. */
  hnsw: { m: number; efConstruction: number; efSearch: number };
  /**
   * Below this semantic score a best match is flagged as low confidence (LOW_CONFIDENCE_THRESHOLD).
   * Default: the known model's calibrated value, else 0.4.
   */
  lowConfidenceThreshold: number;
  /**
   * How long a build waits for another live process holding the index lock, in ms
   * (INDEX_LOCK_TIMEOUT_SECONDS); a dead owner's lock is taken over at once. Default: 600 s.
   */
  lockTimeoutMs: number;
  /**
   * Level of the build worker's log (LOG_LEVEL); a worker thread cannot share its parent's logger.
   * Default: `info`, the bot's, as only the bot builds in a worker.
   */
  logLevel: LogLevel;
  /** The user's own model that may write a generated answer (ANSWER_LLM_*). Default: none, off. */
  answerLlm?: AnswerLlmConfig;
}

/** An OpenAI-compatible chat-completions server (Ollama, a llama.cpp server, vLLM) that writes answers. */
export interface AnswerLlmConfig {
  /**
   * Base URL of the server (ANSWER_LLM_URL), without a trailing slash; answers are asked with
   * `POST <url>/chat/completions`. A URL ending in `/chat/completions` is taken as its base. Required to turn it on.
   */
  url: string;
  /** The model's name on that server (ANSWER_LLM_MODEL), e.g. `llama3.2` on Ollama. Required with the URL. */
  model: string;
  /** Sent as `Authorization: Bearer <key>` (ANSWER_LLM_KEY). A secret: never logged or echoed. Default: none. */
  key?: string;
  /**
   * How long an answer may take, in ms (ANSWER_LLM_TIMEOUT_SECONDS); a later one is dropped and the
   * extractive answer stays. Default: 30 s, room for a small model on a CPU to load and write three
   * sentences, and still well within what someone waits for beside an answer already shown.
   */
  timeoutMs: number;
}

type Env = Record<string, string | undefined>;

/** For a model no one has calibrated: a middling cosine; set LOW_CONFIDENCE_THRESHOLD after `npm run eval`. */
const UNCALIBRATED_THRESHOLD = 0.4;

/** Never echoed back, not even in an error message. */
const SECRET_VARIABLES = new Set(['DISCORD_TOKEN', 'ANSWER_LLM_KEY']);

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
      return `${formatIssue(issue)} (${shown})`;
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
    modelHub: e.HF_ENDPOINT.replace(/\/+$/, ''),
    batchSize: e.EMBEDDING_BATCH_SIZE,
    threads: e.EMBEDDING_THREADS,
    workers: e.EMBEDDING_WORKERS || Math.min(availableParallelism(), MAX_DEFAULT_WORKERS),
    hnsw: { m: e.HNSW_M, efConstruction: e.HNSW_EF_CONSTRUCTION, efSearch: e.HNSW_EF_SEARCH },
    lowConfidenceThreshold: e.LOW_CONFIDENCE_THRESHOLD ?? known?.lowConfidenceThreshold ?? UNCALIBRATED_THRESHOLD,
    lockTimeoutMs: e.INDEX_LOCK_TIMEOUT_SECONDS * 1000,
    logLevel: e.LOG_LEVEL ?? DEFAULT_LOG_LEVEL.bot,
    answerLlm: loadAnswerLlmConfig(env),
  };
}

const CHAT_COMPLETIONS = /\/chat\/completions\/?$/;

/** An http(s) URL without credentials (a key goes in ANSWER_LLM_KEY, where it is kept out of logs). */
const serverUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password && !url.search && !url.hash;
  } catch {
    return false;
  }
}, 'must be the http(s) base URL of an OpenAI-compatible server, without credentials or query, e.g. http://127.0.0.1:11434/v1 for Ollama');

const answerEnv = z.object({
  ANSWER_LLM_URL: serverUrl.optional(),
  ANSWER_LLM_MODEL: z.string().trim().min(1).optional(),
  ANSWER_LLM_KEY: optionalText,
  ANSWER_LLM_TIMEOUT_SECONDS: int(1, 600).default(30),
});

/** The answer model (see AnswerLlmConfig), or undefined when ANSWER_LLM_URL is unset: off, and nothing else changes. */
export function loadAnswerLlmConfig(env: Env = process.env): AnswerLlmConfig | undefined {
  const e = parseEnv(answerEnv, env);
  if (!e.ANSWER_LLM_URL) {
    if (e.ANSWER_LLM_MODEL) throw new ConfigError(['ANSWER_LLM_MODEL: is set, but ANSWER_LLM_URL is not; set the server URL too, or unset both']);
    return undefined;
  }
  if (!e.ANSWER_LLM_MODEL) throw new ConfigError(['ANSWER_LLM_MODEL: required with ANSWER_LLM_URL: the model name the server knows, e.g. llama3.2']);
  return {
    url: e.ANSWER_LLM_URL.replace(CHAT_COMPLETIONS, '').replace(/\/+$/, ''),
    model: e.ANSWER_LLM_MODEL,
    key: e.ANSWER_LLM_KEY,
    timeoutMs: e.ANSWER_LLM_TIMEOUT_SECONDS * 1000,
  };
}

/** The environment with some variables set otherwise, e.g. by `npm run eval -- --model`. */
export function envWith(overrides: Env, env: Env = process.env): Env {
  return { ...env, ...overrides };
}

/** EMBEDDING_MODEL as written, an alias or a hub id (see EngineConfig.model). Default: `minilm`. */
export function loadModelName(env: Env = process.env): string {
  return parseEnv(engineEnv.pick({ EMBEDDING_MODEL: true }), env).EMBEDDING_MODEL;
}

/** The log level of `face` (LOG_LEVEL: fatal, error, warn, info, debug, trace or silent). Default: see DEFAULT_LOG_LEVEL. */
export function loadLogLevel(face: Face, env: Env = process.env): LogLevel {
  return parseEnv(logEnv, env).LOG_LEVEL ?? DEFAULT_LOG_LEVEL[face];
}

/**
 * Unexpected errors are shown with their stack when LOG_LEVEL is `debug`. Never throws: it runs
 * while another error is being reported, perhaps one about LOG_LEVEL itself.
 */
export function showsStackTraces(env: Env = process.env): boolean {
  return env.LOG_LEVEL === 'debug';
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
  /** The bot token (DISCORD_TOKEN). Required for the bot; never logged or echoed. */
  token: string;
  /** Register slash commands to this server only, for instant updates while testing (DISCORD_GUILD_ID). Default: global. */
  guildId?: string;
  /** REST base URL of a Discord-compatible server; the gateway URL is discovered from it (DISCORD_API_BASE). Default: real Discord. */
  apiBase?: string;
  /** At most `count` /ask questions per user in any `windowSeconds` (ASK_RATE_LIMIT_COUNT, ASK_RATE_LIMIT_WINDOW_SECONDS). Default: 5 in 60. */
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
  HF_BACKFILL_DELAY_MS: int(0, 60_000).default(1000),
  HF_HUB_API_BASE: z.string().url().default('https://huggingface.co'),
  HF_HUB_TIMEOUT_SECONDS: int(1, 60).default(5),
  HF_HUB_CACHE_HOURS: int(0, 24 * 365).default(24),
  HF_HUB_OFFLINE: bool.optional(),
});

export interface FeedConfig {
  /** Base URL of the Hugging Face daily-papers API (HF_API_BASE). Default: `https://huggingface.co`. */
  apiBase: string;
  /** Per-request timeout (HF_FETCH_TIMEOUT_SECONDS). Default: 15 s. */
  timeoutMs: number;
  /** Retries with backoff on timeouts, 429 and 5xx, honouring Retry-After (HF_FETCH_RETRIES). Default: 4. */
  retries: number;
  /**
   * The longest wait before a retry, in ms (HF_RETRY_MAX_WAIT_SECONDS). A server whose Retry-After asks
   * for more fails that day instead of stalling the fetch. Default: 120 s.
   */
  retryMaxWaitMs: number;
  /** A larger API response is refused, in bytes (HF_MAX_RESPONSE_MB, of 2^20 bytes). Default: 50 MB. */
  maxResponseBytes: number;
  /** When the bot fetches new lists each day, HH:MM in `timezone` (REFRESH_TIME). Default: `06:00`. */
  refreshTime: string;
  /** An IANA time zone (REFRESH_TIMEZONE). Default: `UTC`. */
  timezone: string;
  /** Days fetched each refresh, ending today: yesterday's list settles overnight (REFRESH_DAYS). Default: 2. */
  refreshDays: number;
  /** Default time of a server's daily post, HH:MM in `timezone` (DAILY_POST_TIME). Default: `08:00`. */
  postTime: string;
  /** Pause between two days fetched by `fetch --since`, in ms, to be polite to the API (HF_BACKFILL_DELAY_MS). Default: 1000. */
  backfillDelayMs: number;
  /** The Hugging Face Hub API that lists the models, datasets and Spaces citing a paper. */
  hub: HubConfig;
}

export interface HubConfig {
  /** Base URL of the Hub API (HF_HUB_API_BASE; GET <base>/api/models?filter=arxiv:<id>). Default: `https://huggingface.co`. */
  apiBase: string;
  /** Per-request timeout; a reply waits for at most two attempts (HF_HUB_TIMEOUT_SECONDS). Default: 5 s. */
  timeoutMs: number;
  /** How long a paper's lists are kept in `data/hub/` before they are asked again, in ms (HF_HUB_CACHE_HOURS). Default: 24 h. */
  cacheMs: number;
  /** Never ask the Hub; show only what `data/hub/` holds, however old (HF_HUB_OFFLINE, as Hugging Face's own tools read it). Default: false. */
  offline: boolean;
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
    backfillDelayMs: e.HF_BACKFILL_DELAY_MS,
    hub: { apiBase: e.HF_HUB_API_BASE.replace(/\/+$/, ''), timeoutMs: e.HF_HUB_TIMEOUT_SECONDS * 1000, cacheMs: e.HF_HUB_CACHE_HOURS * 3_600_000, offline: Boolean(e.HF_HUB_OFFLINE) },
  };
}

const cliEnv = z.object({
  MAVEN_REPO_LOCAL: z.string().min(1).optional(),
  NO_COLOR: optionalText,
});

/** What only the command line reads. */
export interface CliConfig {
  /** Colours and bold on a terminal; NO_COLOR set to anything turns them off (no-color.org). Default: on. */
  color: boolean;
  /** The Maven repository `model provision` reads from and fetches into (MAVEN_REPO_LOCAL). Default: Maven's, `~/.m2/repository`. */
  mavenRepository?: string;
}

/** Never throws: any value of these variables is valid. */
export function loadCliConfig(env: Env = process.env): CliConfig {
  const e = parseEnv(cliEnv, env);
  return { color: e.NO_COLOR === undefined, mavenRepository: e.MAVEN_REPO_LOCAL };
}

/** Every variable paperscout reads, by concern: `.env.example` lists the same, with the same defaults. */
export const ENV_SCHEMAS = { engine: engineEnv, answer: answerEnv, bot: botEnv, feed: feedEnv, cli: cliEnv } as const;
