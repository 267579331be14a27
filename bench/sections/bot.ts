/**
 * The bot path end to end: the real bot and engine logged in to a local Discord twin
 * (discord-digital-twin), driven with slash commands the way Discord would send them. Times are
 * taken at the twin: a timestamp right before the simulated command is sent, and the arrival of the
 * bot's interaction callback (the deferred ack) and of its first edit of the original response.
 *
 * Two set-ups: the test harness (tests/setup/twin.ts: twin, bot and engine in this one process), and
 * the twin in a child process (this file forks itself), where the twin keeps its own clock and keeps
 * sending while the bot's event loop is busy, as Discord does. The /reload measurement needs the
 * second: in one process no interaction can even be sent while the bot's loop is stalled.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { DigitalDiscord } from 'discord-digital-twin';
import { ChannelType, PermissionFlagsBits } from 'discord.js';
import { startBot, type RunningBot } from '../../src/bot/bot.js';
import { registerCommands } from '../../src/bot/register.js';
import { loadBotConfig, loadFeedConfig, type EngineConfig } from '../../src/config.js';
import { Engine } from '../../src/engine/engine.js';
import { readQuestions } from '../../src/eval/metrics.js';
import { readManifest } from '../../src/index/generation.js';
import { createLogger, type Logger } from '../../src/log.js';
import { addUsers, ADMIN, MEMBER, OTHER, startTwinBot, str, tapRequests, type RecordedRequest, type TwinBot } from '../../tests/setup/twin.js';
import { corpus, seedCorpus, seedVectors } from '../lib/corpora.js';
import { percentileOf } from '../lib/stats.js';
import { syntheticPaper } from '../lib/synthetic.js';
import { prng } from '../../tests/setup/random.js';
import type { BenchContext, Figure, Section, Table } from '../lib/types.js';

const ACK_DEADLINE_MS = 3000;
const CONCURRENT_USERS = 20;
const EXTRA_PAPERS = 200;
const RELOAD_ASK_INTERVAL_MS = 250;
const RELOAD_USERS = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One interaction, timed at the twin (epoch milliseconds). */
interface Sample {
  id: string;
  token: string;
  /** Right before the simulated slash command was sent. */
  sentAt: number;
  /** When the twin pushed INTERACTION_CREATE to the bot's gateway connection. */
  dispatchedAt?: number;
  /** Arrival of POST /interactions/<id>/<token>/callback. */
  ackAt?: number;
  ackType?: number;
  /** Arrival of the first PATCH /webhooks/<app>/<token>/messages/@original. */
  editAt?: number;
  editHasEmbeds?: boolean;
}

type Edit = { at: number; embeds: boolean; content?: string };

/** Watches a twin: gateway dispatch times by interaction id, and the bot's callbacks and edits by token. */
class TwinClock {
  private readonly dispatched = new Map<string, number>();
  private readonly acks = new Map<string, { at: number; type?: number }>();
  private readonly edits = new Map<string, Edit[]>();
  private scanned = 0;

  constructor(private readonly t: { twin: DigitalDiscord; requests: readonly RecordedRequest[] }) {
    const gateway = (t.twin as unknown as { server: { gateway: { broadcast: (event: string, data: unknown) => void } } }).server.gateway;
    const broadcast = gateway.broadcast.bind(gateway);
    gateway.broadcast = (event: string, data: unknown) => {
      if (event === 'INTERACTION_CREATE') this.dispatched.set((data as { id: string }).id, Date.now());
      broadcast(event, data);
    };
  }

  private scan(): void {
    const requests = this.t.requests;
    for (; this.scanned < requests.length; this.scanned++) {
      const r = requests[this.scanned]!;
      const path = r.url.split('?')[0]!;
      const callback = /\/interactions\/\d+\/([^/]+)\/callback$/.exec(path);
      if (r.method === 'POST' && callback) {
        if (!this.acks.has(callback[1]!)) this.acks.set(callback[1]!, { at: r.at, type: r.json?.type as number | undefined });
        continue;
      }
      const edit = /\/webhooks\/\d+\/([^/]+)\/messages\/(?:%40|@)original$/.exec(path);
      if (r.method === 'PATCH' && edit) {
        const list = this.edits.get(edit[1]!) ?? [];
        list.push({ at: r.at, embeds: Array.isArray(r.json?.embeds) && (r.json!.embeds as unknown[]).length > 0, content: r.json?.content as string | undefined });
        this.edits.set(edit[1]!, list);
      }
    }
  }

  /** Fills in what has arrived; true once the sample has its ack (and its edit, when `edit`). */
  update(sample: Sample, edit: boolean): boolean {
    this.scan();
    sample.dispatchedAt ??= this.dispatched.get(sample.id);
    const ack = this.acks.get(sample.token);
    if (ack && sample.ackAt === undefined) {
      sample.ackAt = ack.at;
      sample.ackType = ack.type;
    }
    const first = this.edits.get(sample.token)?.[0];
    if (first && sample.editAt === undefined) {
      sample.editAt = first.at;
      sample.editHasEmbeds = first.embeds;
    }
    return sample.ackAt !== undefined && (!edit || sample.editAt !== undefined);
  }

  editsOf(token: string): Edit[] {
    this.scan();
    return this.edits.get(token) ?? [];
  }
}

/** Sends slash commands as a user of the twin, with the command id resolved once (not on every send). */
function commandSender(twin: DigitalDiscord, channelId: string) {
  const commandIds = new Map<string, string>();
  return async (userId: string, name: 'ask' | 'reload', question?: string): Promise<Sample> => {
    let commandId = commandIds.get(name);
    if (!commandId) {
      commandId = (await twin.prisma.applicationCommand.findFirstOrThrow({ where: { name, guildId: twin.guildId } })).id;
      commandIds.set(name, commandId);
    }
    const options = question === undefined ? undefined : [str('question', question)];
    const sentAt = Date.now();
    const { id, token } = await twin.channel(channelId).user(userId).runSlashCommand({ name, commandId, options });
    return { id, token, sentAt };
  };
}

/** What the measurements need of a set-up, whichever process the twin runs in. */
interface Driver {
  /** MEMBER, OTHER, then the members created for the benchmark. */
  users: string[];
  engine: Engine;
  send(userId: string, name: 'ask' | 'reload', question?: string): Promise<Sample>;
  /** Waits until the samples have their acks (and answers, when `edit`); returns them filled in, and how many are still open. */
  settle(samples: Sample[], edit: boolean, timeoutMs: number): Promise<{ samples: Sample[]; open: number }>;
  editsOf(token: string): Promise<Edit[]>;
  /** Sends /ask on a fixed schedule until stopStream, however busy this process is (the child-process twin only). */
  stream?(users: string[], questions: string[], intervalMs: number): Promise<void>;
  stopStream?(): Promise<Sample[]>;
  stop(): Promise<void>;
}

/** The test harness: twin, bot and engine in this process. */
async function inProcess(engineConfig: EngineConfig, extraUsers: number, log: Logger): Promise<Driver> {
  const t: TwinBot = await startTwinBot({ engineConfig, log });
  try {
    const clock = new TwinClock(t);
    const users = [MEMBER, OTHER, ...(await addUsers(t, extraUsers))];
    return {
      users,
      engine: t.engine,
      send: commandSender(t.twin, t.channelId),
      async settle(samples, edit, timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const open = samples.filter((s) => !clock.update(s, edit)).length;
          if (!open || Date.now() > deadline) return { samples, open };
          await sleep(10);
        }
      },
      editsOf: async (token) => clock.editsOf(token),
      stop: () => t.stop(),
    };
  } catch (error) {
    await t.stop();
    throw error;
  }
}

// --- The twin in a child process ---------------------------------------------------------------

type TwinRequest =
  | { kind: 'send'; userId: string; name: 'ask' | 'reload'; question?: string }
  | { kind: 'stream'; users: string[]; questions: string[]; intervalMs: number }
  | { kind: 'stopStream' }
  | { kind: 'collect'; samples: Sample[]; edit: boolean; editsOf?: string }
  | { kind: 'exit' };

interface TwinReady {
  restUrl: string;
  botToken: string;
  guildId: string;
  users: string[];
}

/** Child side: a twin like the harness's (guild, members, request tap), answering the parent over IPC. */
async function twinChild(): Promise<void> {
  const extraUsers = Number(process.env.PAPERSCOUT_BOTBENCH_USERS ?? '0');
  const dbFile = join(tmpdir(), `paperscout-botbench-twin-${randomUUID()}.db`);
  const twin = new DigitalDiscord({
    guilds: [{ name: 'ML Reading Group', channels: [{ name: 'papers', type: ChannelType.GuildText }] }],
    users: [
      { id: ADMIN, username: 'admin' },
      { id: MEMBER, username: 'member' },
      { id: OTHER, username: 'other' },
    ],
    dbUrl: `file:${dbFile}`,
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await twin.stop().catch(() => undefined);
    await twin.prisma.$disconnect().catch(() => undefined);
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${dbFile}${suffix}`, { force: true });
  };
  process.on('disconnect', () => void stop().then(() => process.exit(0)));
  await twin.start();

  const requests: RecordedRequest[] = [];
  tapRequests((twin as unknown as { server: { httpServer: Server } }).server.httpServer, requests, []);
  const clock = new TwinClock({ twin, requests });

  const basic = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages;
  const member = (userId: string, bits: bigint) =>
    twin.prisma.guildMember.update({ where: { guildId_userId: { guildId: twin.guildId, userId } }, data: { permissions: String(bits) } });
  await member(ADMIN, PermissionFlagsBits.ManageGuild | basic);
  await member(MEMBER, basic);
  await member(OTHER, basic);
  const users = [MEMBER, OTHER, ...(await addUsers({ twin }, extraUsers))];
  const channelId = (await twin.prisma.channel.findFirstOrThrow({ where: { guildId: twin.guildId, name: 'papers' } })).id;
  const send = commandSender(twin, channelId);

  let stream: { stop: boolean; sent: Promise<Sample>[]; done: Promise<void> } | undefined;
  const answer = async (request: TwinRequest): Promise<unknown> => {
    switch (request.kind) {
      case 'send':
        return send(request.userId, request.name, request.question);
      case 'stream': {
        // On a fixed schedule: one ask every intervalMs, whatever the bot is doing.
        const s: NonNullable<typeof stream> = { stop: false, sent: [], done: Promise.resolve() };
        s.done = (async () => {
          const started = Date.now();
          for (let k = 0; !s.stop; k++) {
            s.sent.push(send(request.users[k % request.users.length]!, 'ask', request.questions[k % request.questions.length]));
            await sleep(Math.max(0, started + (k + 1) * request.intervalMs - Date.now()));
          }
        })();
        stream = s;
        return null;
      }
      case 'stopStream': {
        if (!stream) return [];
        stream.stop = true;
        await stream.done;
        const sent = await Promise.all(stream.sent);
        stream = undefined;
        return sent;
      }
      case 'collect': {
        const open = request.samples.filter((sample) => !clock.update(sample, request.edit)).length;
        return { samples: request.samples, open, edits: request.editsOf ? clock.editsOf(request.editsOf) : [] };
      }
      case 'exit':
        await stop();
        return null;
    }
  };
  process.on('message', (message: { seq: number; request: TwinRequest }) => {
    answer(message.request).then(
      (result) => process.send!({ seq: message.seq, result }),
      (error: unknown) => process.send!({ seq: message.seq, error: String((error as Error)?.stack ?? error) }),
    );
  });
  process.send!({ seq: 0, result: { restUrl: twin.restUrl, botToken: twin.botToken, guildId: twin.guildId, users } satisfies TwinReady });
}

if (process.env.PAPERSCOUT_BOTBENCH_CHILD === 'twin' && process.send) {
  twinChild().catch((error: unknown) => {
    process.stderr.write(`bot bench twin: ${String((error as Error)?.stack ?? error)}\n`);
    process.exit(1);
  });
}

/** Parent side of the twin process. */
class TwinProcess {
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: TwinReady,
  ) {}

  static async start(ctx: BenchContext, extraUsers: number): Promise<TwinProcess> {
    const child = fork(fileURLToPath(import.meta.url), [], {
      cwd: ctx.root,
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, PAPERSCOUT_BOTBENCH_CHILD: 'twin', PAPERSCOUT_BOTBENCH_USERS: String(extraUsers) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const forward = (data: Buffer) => {
      for (const line of data.toString('utf8').split('\n')) if (line.trim()) ctx.log(`  twin process: ${line}`);
    };
    child.stdout!.on('data', forward);
    child.stderr!.on('data', forward);
    let exited = false;
    child.once('exit', () => (exited = true));
    const ready = await new Promise<TwinReady>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the twin process did not start within 60 s')), 60_000);
      child.once('message', (message: { result: TwinReady }) => {
        clearTimeout(timer);
        resolve(message.result);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the twin process exited with code ${code} before it was ready`));
      });
    }).catch((error: unknown) => {
      if (!exited) child.kill('SIGKILL');
      throw error;
    });
    const twin = new TwinProcess(child, ready);
    child.on('message', (message: { seq: number; result?: unknown; error?: string }) => {
      const waiter = twin.waiting.get(message.seq);
      twin.waiting.delete(message.seq);
      if (message.error !== undefined) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result);
    });
    child.on('exit', () => {
      twin.exited = true;
      for (const waiter of twin.waiting.values()) waiter.reject(new Error('the twin process exited'));
      twin.waiting.clear();
    });
    return twin;
  }

  call<T>(request: TwinRequest): Promise<T> {
    if (this.exited) return Promise.reject(new Error('the twin process has exited'));
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(seq, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ seq, request });
    });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await Promise.race([this.call({ kind: 'exit' }).catch(() => undefined), sleep(10_000)]);
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** The twin in a child process; the bot and engine here, set up as tests/setup/twin.ts does. */
async function outOfProcess(ctx: BenchContext, engineConfig: EngineConfig, extraUsers: number, log: Logger): Promise<Driver> {
  const twin = await TwinProcess.start(ctx, extraUsers);
  let engine: Engine | undefined;
  let bot: RunningBot | undefined;
  const stop = async () => {
    await bot?.stop().catch((error: unknown) => ctx.log(`  bot: stopping the bot failed: ${(error as Error).message}`));
    await engine?.close().catch((error: unknown) => ctx.log(`  bot: closing the engine failed: ${(error as Error).message}`));
    await twin.stop();
  };
  try {
    const { restUrl, botToken, guildId, users } = twin.ready;
    engine = await Engine.open(engineConfig, { log, buildInThread: true });
    const config = loadBotConfig({ DISCORD_TOKEN: botToken, DISCORD_API_BASE: restUrl, DISCORD_GUILD_ID: guildId, ASK_RATE_LIMIT_COUNT: '1000' });
    await registerCommands(config);
    const feed = loadFeedConfig({ HF_API_BASE: 'http://127.0.0.1:9', HF_FETCH_RETRIES: '0' });
    bot = await startBot({ engine, config, feed, dataDir: engine.config.dataDir, log, dailyIntervalMs: 0 });
    const collect = (samples: Sample[], edit: boolean, editsOf?: string) =>
      twin.call<{ samples: Sample[]; open: number; edits: Edit[] }>({ kind: 'collect', samples, edit, editsOf });
    return {
      users,
      engine,
      send: (userId, name, question) => twin.call<Sample>({ kind: 'send', userId, name, question }),
      async settle(samples, edit, timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const got = await collect(samples, edit);
          if (!got.open || Date.now() > deadline) return got;
          await sleep(50);
        }
      },
      editsOf: async (token) => (await collect([], false, token)).edits,
      stream: (users, questions, intervalMs) => twin.call({ kind: 'stream', users, questions, intervalMs }),
      stopStream: () => twin.call<Sample[]>({ kind: 'stopStream' }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

// --- Helpers -------------------------------------------------------------------------------------

const ackMs = (s: Sample) => (s.ackAt === undefined ? Infinity : s.ackAt - s.sentAt);
const editMs = (s: Sample) => (s.editAt === undefined ? Infinity : s.editAt - s.sentAt);
const ackFromDispatchMs = (s: Sample) => (s.ackAt === undefined || s.dispatchedAt === undefined ? Infinity : s.ackAt - s.dispatchedAt);
const twinMs = (s: Sample) => (s.dispatchedAt === undefined ? NaN : s.dispatchedAt - s.sentAt);
const round = (v: number) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : v);

function loopStats(h: IntervalHistogram): { maxMs: number; p99Ms: number } {
  return { maxMs: round(h.max / 1e6), p99Ms: round(h.percentile(99) / 1e6) };
}

/** A logger that keeps warnings and errors, to report failed interactions. */
function keepingLogger(): { log: Logger; problems: () => string[] } {
  const lines: string[] = [];
  const log = createLogger({ level: 'warn', destination: { write: (line: string) => lines.push(line) } });
  return {
    log,
    problems: () =>
      lines.map((line) => {
        const parsed = JSON.parse(line) as { level: number; msg?: string; err?: { message?: string } };
        return `${parsed.level >= 50 ? 'error' : 'warn'}: ${parsed.msg ?? ''}${parsed.err?.message ? ` (${parsed.err.message})` : ''}`;
      }),
  };
}

function summarize(lines: string[]): string {
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
  return [...counts].map(([line, n]) => `${n}× ${line}`).join('; ');
}

/** Removes `<dataDir>/bot` afterwards when the bench created it (the bot keeps its state there). */
function botStateCleaner(dataDir: string): () => void {
  const dir = join(dataDir, 'bot');
  const existed = existsSync(dir);
  return () => {
    if (!existed) rmSync(dir, { recursive: true, force: true });
  };
}

// --- 1. /ask latency on the seed index, 1 user and 20 concurrent users ---------------------------

interface LatencyRun {
  sequential: Sample[];
  concurrent: Sample[];
  loop: { maxMs: number; p99Ms: number };
  incomplete: number;
  problems: string[];
}

async function askLatency(ctx: BenchContext, questions: readonly string[], twinInChild: boolean): Promise<LatencyRun> {
  const seed = await seedCorpus(ctx);
  const cleanBotState = botStateCleaner(seed.config.dataDir);
  const { log, problems } = keepingLogger();
  let d: Driver | undefined;
  try {
    d = twinInChild ? await outOfProcess(ctx, seed.config, CONCURRENT_USERS, log) : await inProcess(seed.config, CONCURRENT_USERS, log);
    const driver = d;
    let next = 0;
    const question = () => questions[next++ % questions.length]!;

    // Warm-up, unmeasured: the first asks load lazy parts of the model and of discord.js.
    for (let i = 0; i < 3; i++) await driver.settle([await driver.send(MEMBER, 'ask', question())], true, 60_000);

    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const where = twinInChild ? 'twin in a child process' : 'twin in this process';
    const sequentialCount = ctx.quick ? 10 : 40;
    ctx.log(`  bot (${where}): ${sequentialCount} sequential /ask from one user`);
    const sequential: Sample[] = [];
    let incomplete = 0;
    for (let i = 0; i < sequentialCount; i++) {
      const got = await driver.settle([await driver.send(MEMBER, 'ask', question())], true, 60_000);
      incomplete += got.open;
      sequential.push(...got.samples);
    }

    const waves = ctx.quick ? 2 : 5;
    const concurrentUsers = driver.users.slice(2, 2 + CONCURRENT_USERS); // the members created for this
    ctx.log(`  bot (${where}): ${waves} waves of ${concurrentUsers.length} concurrent /ask`);
    const concurrent: Sample[] = [];
    for (let w = 0; w < waves; w++) {
      const wave = await Promise.all(concurrentUsers.map((user) => driver.send(user, 'ask', question())));
      const got = await driver.settle(wave, true, 120_000);
      incomplete += got.open;
      concurrent.push(...got.samples);
      await sleep(200);
    }
    loop.disable();
    return { sequential, concurrent, loop: loopStats(loop), incomplete, problems: problems() };
  } finally {
    await d?.stop();
    cleanBotState();
  }
}

// --- 2. Acks during a /reload of a large corpus --------------------------------------------------

interface ReloadRun {
  size: number;
  asks: Sample[];
  reload: Sample;
  /** From the /reload command to the bot's "Reload finished" edit. */
  wallMs?: number;
  /** While the engine reported isReloading, as polled here. */
  reloadingMs: number;
  /** The engine's own build time (buildIndex tookMs). */
  engineMs?: number;
  added?: number;
  embeddedTexts?: number;
  /** Reload phases as the engine reported them, ms after the /reload command was sent. */
  phases: { phase: string; atMs: number }[];
  /** Event-loop stalls of the bot's process over 250 ms, ms after the /reload command was sent. */
  stalls: { atMs: number; ms: number }[];
  loop: { maxMs: number; p99Ms: number };
  open: number;
  /** When waiting for acks and answers ended: the lower bound for the ones that never came. */
  gaveUpAt: number;
  /** When the /reload command was sent, by this process's clock (phases and stalls count from it). */
  reloadSentAt: number;
  problems: string[];
  restoreMs: number;
  restoredExactly: boolean;
  restoreNote?: string;
}

/** New synthetic papers (text only, so the reload must embed them), with ids and titles unique to this run. */
async function extraPapers(ctx: BenchContext, count: number): Promise<string> {
  const seed = await seedVectors(ctx);
  const vocabulary = [...new Set(seed.flatMap((p) => p.abstract.split(/\s+/)).filter((w) => /^[a-z]{4,}$/.test(w)))];
  const stamp = Date.now();
  const random = prng(stamp);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const { paper } = syntheticPaper(i, seed, vocabulary, random);
    lines.push(JSON.stringify({ ...paper, id: `botbench-${stamp}-${i}`, title: `${paper.title} [bot bench ${stamp}]` }));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Keeps the live index generation and the embedding-cache segment list, so the corpus can be put
 * back exactly as it was (generations are immutable, so hard links are a cheap, safe copy).
 */
function indexBackup(dataDir: string): { restore: () => string | undefined; discard: () => void } {
  const indexDir = join(dataDir, 'index');
  const manifestText = readFileSync(join(indexDir, 'manifest.json'), 'utf8');
  const { generation } = readManifest(indexDir);
  const backup = join(tmpdir(), `paperscout-botbench-${process.pid}-${Date.now()}`);
  mkdirSync(backup, { recursive: true });
  for (const name of readdirSync(join(indexDir, generation))) {
    try {
      linkSync(join(indexDir, generation, name), join(backup, name));
    } catch {
      copyFileSync(join(indexDir, generation, name), join(backup, name));
    }
  }
  const cacheDirs = existsSync(join(dataDir, 'cache')) ? readdirSync(join(dataDir, 'cache')).map((d) => join(dataDir, 'cache', d)) : [];
  const segmentsBefore = new Map(cacheDirs.map((d) => [d, new Set(readdirSync(d))]));
  return {
    /** Call with no engine open on this data dir. Returns a note when something could not be restored. */
    restore() {
      const notes: string[] = [];
      if (readManifest(indexDir).generation !== generation) {
        const restored = join(indexDir, generation);
        mkdirSync(restored, { recursive: true });
        for (const name of readdirSync(backup)) {
          if (!existsSync(join(restored, name))) linkSync(join(backup, name), join(restored, name));
        }
        writeFileSync(join(indexDir, 'manifest.json.botbench'), manifestText);
        // rename replaces the manifest atomically; then drop every other generation (as commitGeneration does).
        renameSync(join(indexDir, 'manifest.json.botbench'), join(indexDir, 'manifest.json'));
        for (const name of readdirSync(indexDir)) {
          if (name.startsWith('gen-') && name !== generation) rmSync(join(indexDir, name), { recursive: true, force: true });
        }
      }
      for (const [dir, before] of segmentsBefore) {
        const now = new Set(readdirSync(dir));
        if ([...before].every((name) => now.has(name))) {
          for (const name of now) if (!before.has(name) && /^seg-\d+\.bin$/.test(name)) rmSync(join(dir, name), { force: true });
        } else {
          notes.push(`the embedding cache in ${dir} was compacted during the run, so the extra papers' vectors stay in it`);
        }
      }
      return notes.length ? notes.join('; ') : undefined;
    },
    discard() {
      rmSync(backup, { recursive: true, force: true });
    },
  };
}

async function reloadAcks(ctx: BenchContext, reloadSize: number, questions: readonly string[]): Promise<ReloadRun> {
  const big = await corpus(ctx, reloadSize);
  const sourcesDir = big.config.sourcePaths[0]!;
  // Leftovers of a run that was killed would make the bot's start-up rebuild the index.
  for (const name of readdirSync(sourcesDir)) if (/^botbench-extra-\d+\.jsonl$/.test(name)) rmSync(join(sourcesDir, name), { force: true });
  const extraPath = join(sourcesDir, `botbench-extra-${process.pid}.jsonl`);
  const cleanBotState = botStateCleaner(big.config.dataDir);
  const backup = indexBackup(big.config.dataDir);
  const { log, problems } = keepingLogger();
  let d: Driver | undefined;
  let wroteExtra = false;
  let restored = false;
  let run: ReloadRun | undefined;
  try {
    ctx.log(`  bot: starting a twin process, and the bot and engine on ${reloadSize} papers`);
    d = await outOfProcess(ctx, big.config, RELOAD_USERS - 2, log);
    const driver = d;
    const engine = d.engine;

    // Reload phases, as the engine reports them to the bot's progress editor (first reload only).
    let reloadSentAt = 0;
    let recording = true;
    const phases: { phase: string; atMs: number }[] = [];
    const reloadOf = engine.reload.bind(engine);
    engine.reload = (options = {}) => {
      if (recording) phases.push({ phase: 'reload() called', atMs: Date.now() - reloadSentAt });
      return reloadOf({
        ...options,
        onProgress: (p) => {
          if (recording && phases.at(-1)?.phase !== p.phase) phases.push({ phase: p.phase, atMs: Date.now() - reloadSentAt });
          options.onProgress?.(p);
        },
      });
    };

    let next = 0;
    const question = () => questions[next++ % questions.length]!;
    for (let i = 0; i < 3; i++) await driver.settle([await driver.send(MEMBER, 'ask', question())], true, 60_000);

    writeFileSync(extraPath, await extraPapers(ctx, EXTRA_PAPERS));
    wroteExtra = true;
    ctx.log(`  bot: /reload with ${EXTRA_PAPERS} new papers, /ask every ${RELOAD_ASK_INTERVAL_MS} ms from ${driver.users.length} users meanwhile`);

    const loop = monitorEventLoopDelay({ resolution: 10 });
    const stalls: { at: number; ms: number }[] = [];
    let tick = Date.now();
    const ticker = setInterval(() => {
      const now = Date.now();
      if (now - tick > 250) stalls.push({ at: tick, ms: now - tick });
      tick = now;
    }, 10);
    loop.enable();
    let reloadingMs = 0;
    let asks: Sample[] = [];
    let reload: Sample;
    let open = 0;
    let gaveUpAt = 0;
    try {
      // The asks start with the /reload command: the reload's first, synchronous part (reading the
      // sources) runs before the engine reports isReloading, and must be covered too.
      await driver.stream!(driver.users, [...questions.slice(next), ...questions.slice(0, next)], RELOAD_ASK_INTERVAL_MS);
      reloadSentAt = Date.now();
      reload = await driver.send(ADMIN, 'reload');
      const waitStart = Date.now();
      while (!engine.isReloading) {
        if (Date.now() - waitStart > 60_000) throw new Error('the reload did not start within 60 s');
        await sleep(5);
      }
      const reloadingFrom = Date.now();
      while (engine.isReloading) await sleep(20);
      reloadingMs = Date.now() - reloadingFrom;
      recording = false;
      asks = await driver.stopStream!();
      const settled = await driver.settle(asks, true, 120_000);
      gaveUpAt = Date.now();
      asks = settled.samples;
      open = settled.open;
      reload = (await driver.settle([reload], false, 10_000)).samples[0]!;
    } finally {
      clearInterval(ticker);
      loop.disable();
    }

    let finished: Edit | undefined;
    for (const deadline = Date.now() + 60_000; !finished && Date.now() < deadline; await sleep(50)) {
      finished = (await driver.editsOf(reload.token)).find((e) => e.content?.includes('Reload finished'));
    }
    const last = engine.stats().lastReload as { tookMs?: number; added?: number; embeddedTexts?: number } | undefined;
    run = {
      size: reloadSize,
      asks,
      reload,
      wallMs: finished ? finished.at - reload.sentAt : undefined,
      reloadingMs,
      engineMs: last?.tookMs,
      added: last?.added,
      embeddedTexts: last?.embeddedTexts,
      phases,
      stalls: stalls.map((s) => ({ atMs: s.at - reloadSentAt, ms: s.ms })),
      loop: loopStats(loop),
      open,
      gaveUpAt,
      reloadSentAt,
      problems: problems(),
      restoreMs: 0,
      restoredExactly: false,
    };

    // Put the corpus back: without the extra file, by a reload.
    rmSync(extraPath, { force: true });
    const restoreStart = performance.now();
    await engine.reload();
    run.restoreMs = performance.now() - restoreStart;
    restored = true;
    return run;
  } finally {
    if (existsSync(extraPath)) rmSync(extraPath, { force: true });
    if (d && wroteExtra && !restored) {
      // Failed part-way: wait for a reload in flight, then reload without the extra file.
      await d.stopStream?.().catch(() => undefined);
      while (d.engine.isReloading) await sleep(50);
      await d.engine.reload().catch((error: unknown) => ctx.log(`  bot: the restoring reload failed: ${(error as Error).message}`));
    }
    await d?.stop();
    cleanBotState();
    // That reload leaves the removed papers as deleted labels in the graph; the original generation is
    // put back so that the other benchmarks see exactly the index they saw before.
    let restoreNote: string | undefined;
    try {
      restoreNote = backup.restore();
    } catch (error) {
      restoreNote = `could not put back the original index generation: ${(error as Error).message}`;
    }
    backup.discard();
    if (run) {
      run.restoredExactly = restoreNote === undefined;
      run.restoreNote = restoreNote;
    }
  }
}

// --- The section ---------------------------------------------------------------------------------

function latencyRows(label: string, samples: readonly Sample[]): (string | number)[][] {
  const ack = samples.map(ackMs);
  const edit = samples.map(editMs);
  const fromDispatch = samples.map(ackFromDispatchMs);
  const twin = samples.map(twinMs).filter(Number.isFinite);
  const p = (values: number[], q: number) => round(percentileOf(values, q));
  return [
    [label, 'ack (deferred reply)', p(ack, 50), p(ack, 95), p(ack, 99), round(Math.max(...ack)), samples.length],
    [label, 'final edit (answer)', p(edit, 50), p(edit, 95), p(edit, 99), round(Math.max(...edit)), samples.length],
    [label, 'ack, from gateway dispatch', p(fromDispatch, 50), p(fromDispatch, 95), p(fromDispatch, 99), round(Math.max(...fromDispatch)), samples.length],
    [label, 'twin: command to dispatch', p(twin, 50), p(twin, 95), p(twin, 99), round(Math.max(...twin)), twin.length],
  ];
}

function latencyNotes(label: string, run: LatencyRun): string[] {
  const all = [...run.sequential, ...run.concurrent];
  const noEmbeds = all.filter((s) => s.editAt !== undefined && !s.editHasEmbeds).length;
  const notDeferred = all.filter((s) => s.ackType !== undefined && s.ackType !== 5).length;
  const notes = [`Event loop of the bot's process during the /ask runs (${label}): max delay ${run.loop.maxMs} ms, p99 ${run.loop.p99Ms} ms.`];
  if (run.incomplete || noEmbeds || notDeferred) {
    notes.push(
      `/ask anomalies (${label}): ${run.incomplete} interactions without an ack or answer in time, ${noEmbeds} answers without embeds, ${notDeferred} acks that were not a deferral.`,
    );
  }
  if (run.problems.length) notes.push(`Bot log during the /ask runs (${label}): ${summarize(run.problems)}.`);
  return notes;
}

export async function benchBotPath(ctx: BenchContext, reloadSize: number): Promise<Section> {
  const questions = readQuestions(join(ctx.root, 'tests/eval/questions.jsonl')).map((q) => q.question);
  const figures: Figure[] = [];
  const tables: Table[] = [];
  const notes: string[] = [];

  // 1. The harness (as the e2e tests run it), then the same with the twin in its own process.
  const latency = await askLatency(ctx, questions, false);
  const apart = await askLatency(ctx, questions, true);
  const c = latency.concurrent;
  const pct = (samples: readonly Sample[], of: (s: Sample) => number, q: number) => round(percentileOf(samples.map(of), q));
  figures.push(
    {
      name: `/ask ack p99, ${CONCURRENT_USERS} concurrent users`,
      unit: 'ms',
      median: pct(c, ackMs, 99),
      runs: c.length,
      target: { op: '<=', value: ACK_DEADLINE_MS },
      note: `slash command sent → deferred-reply callback at the twin; ${pct(apart.concurrent, ackMs, 99)} ms with the twin in its own process`,
    },
    {
      name: '/ask ack p99, 1 user',
      unit: 'ms',
      median: pct(latency.sequential, ackMs, 99),
      runs: latency.sequential.length,
      target: { op: '<=', value: ACK_DEADLINE_MS },
    },
    {
      name: '/ask final edit p50, 1 user',
      unit: 'ms',
      median: pct(latency.sequential, editMs, 50),
      p25: pct(latency.sequential, editMs, 25),
      p75: pct(latency.sequential, editMs, 75),
      runs: latency.sequential.length,
      note: `${pct(apart.sequential, editMs, 50)} ms with the twin in its own process`,
    },
    {
      name: `/ask final edit p50, ${CONCURRENT_USERS} concurrent users`,
      unit: 'ms',
      median: pct(c, editMs, 50),
      p25: pct(c, editMs, 25),
      p75: pct(c, editMs, 75),
      runs: c.length,
      note: `${pct(apart.concurrent, editMs, 50)} ms with the twin in its own process`,
    },
  );
  tables.push({
    title: '/ask on the seed index (64 papers), milliseconds from the slash command',
    columns: ['users', 'to', 'p50', 'p95', 'p99', 'max', 'interactions'],
    rows: [
      ...latencyRows('1', latency.sequential),
      ...latencyRows(`${CONCURRENT_USERS} concurrent`, c),
      ...latencyRows('1, twin in its own process', apart.sequential),
      ...latencyRows(`${CONCURRENT_USERS} concurrent, twin in its own process`, apart.concurrent),
    ],
  });
  notes.push(
    `/ask: ${latency.sequential.length} sequential asks from one user, then ${ctx.quick ? 2 : 5} waves of ${CONCURRENT_USERS} simultaneous asks from ${CONCURRENT_USERS} separate guild members ` +
      `(created in the twin for this); the ${questions.length} evaluation questions in turn, after 3 unmeasured warm-up asks. ` +
      "Times are taken at the twin: a timestamp right before the simulated command, and the arrival of the bot's callback (ack) and of its first PATCH of @original (the answer). " +
      "The figures come from the test harness (tests/setup/twin.ts), where twin, bot and engine share one Node process: the twin's own work (its SQLite look-ups before it dispatches, " +
      'shown as "twin: command to dispatch", and its handling of every callback and edit) competes with the bot for the same event loop. ' +
      'The rows "twin in its own process" repeat the runs with the twin in a child process (the bot and engine unchanged), closer to real Discord.',
    ...latencyNotes('harness', latency),
    ...latencyNotes('twin in its own process', apart),
  );

  // 2. A /reload of the large corpus.
  const reload = await reloadAcks(ctx, reloadSize, questions);
  // Interactions that never got a callback count with the time waited for them (a lower bound).
  const ackOrBound = (s: Sample) => (s.ackAt ?? reload.gaveUpAt) - s.sentAt;
  const editOrBound = (s: Sample) => (s.editAt ?? reload.gaveUpAt) - s.sentAt;
  // In time means a deferral within 3 s: an error reply sent because the deferral failed does not count.
  const inTime = (s: Sample) => s.ackType === 5 && ackOrBound(s) <= ACK_DEADLINE_MS;
  const acks = reload.asks.map(ackOrBound);
  const within = reload.asks.filter(inTime).length;
  const share = reload.asks.length ? (100 * within) / reload.asks.length : NaN;
  const missing = reload.asks.filter((s) => s.ackAt === undefined).length;
  const errorReplies = reload.asks.filter((s) => s.ackType !== undefined && s.ackType !== 5).length;
  const sizeLabel = reloadSize >= 1000 ? `${reloadSize / 1000}k` : String(reloadSize);
  const lowerBound = missing ? ` (${missing} never acked count with the ${round((reload.gaveUpAt - Math.max(...reload.asks.map((s) => s.sentAt))) / 1000)}+ s waited: a lower bound)` : '';
  figures.push(
    {
      name: `interactions acked within 3 s during a /reload at ${sizeLabel}`,
      unit: '%',
      median: round(share),
      runs: reload.asks.length,
      target: { op: '>=', value: 100 },
      note: `${within} of ${reload.asks.length} deferred within 3 s` + (missing || errorReplies ? `; ${missing} never acked, ${errorReplies} got an error reply instead` : ''),
    },
    { name: `/ask ack p50 during a /reload at ${sizeLabel}`, unit: 'ms', median: round(percentileOf(acks, 50)), runs: acks.length },
    {
      name: `/ask ack p99 during a /reload at ${sizeLabel}`,
      unit: 'ms',
      median: round(percentileOf(acks, 99)),
      runs: acks.length,
      target: { op: '<=', value: ACK_DEADLINE_MS },
      ...(lowerBound ? { note: lowerBound.trim() } : {}),
    },
    { name: `/reload duration at ${sizeLabel} (+${EXTRA_PAPERS} papers)`, unit: 's', median: round((reload.wallMs ?? reload.reloadingMs) / 1000), runs: 1 },
    { name: `bot event-loop delay max during a /reload at ${sizeLabel}`, unit: 'ms', median: reload.loop.maxMs, runs: 1 },
  );
  // Which part of the reload the late acks fall in: each ask by the phase it was sent in.
  const marks = reload.phases.filter((ph) => ph.phase !== 'reload() called');
  const phaseOf = (s: Sample) => {
    const at = s.sentAt - reload.reloadSentAt;
    return [...marks].reverse().find((ph) => ph.atMs <= at)?.phase ?? 'reading sources';
  };
  const byPhase = new Map<string, Sample[]>();
  for (const s of reload.asks) byPhase.set(phaseOf(s), [...(byPhase.get(phaseOf(s)) ?? []), s]);
  const finals = reload.asks.map(editOrBound);
  const p = (values: number[], q: number) => round(percentileOf(values, q));
  tables.push({
    title: `/ask during a /reload of ${reloadSize} + ${EXTRA_PAPERS} papers (ms from the slash command)`,
    columns: ['measure', 'value'],
    rows: [
      ['interactions sent during the reload', reload.asks.length],
      ['deferred within 3 s', `${within} (${round(share)}%)`],
      ['never acked / error reply instead of a deferral', `${missing} / ${errorReplies}`],
      ['ack p50 / p95 / p99 / max', `${[50, 95, 99].map((q) => p(acks, q)).join(' / ')} / ${round(Math.max(...acks))}${missing ? ' (lower bounds)' : ''}`],
      ['ack from gateway dispatch p50 / p99', [50, 99].map((q) => p(reload.asks.filter((s) => s.ackAt !== undefined).map(ackFromDispatchMs), q)).join(' / ')],
      ['answer (final edit) p50 / p99', [50, 99].map((q) => p(finals, q)).join(' / ')],
      ...[...byPhase].map(([phase, samples]): (string | number)[] => [
        `sent while ${phase}: deferred within 3 s, ack p50 / max`,
        `${samples.filter(inTime).length} of ${samples.length}, ${p(samples.map(ackOrBound), 50)} / ${round(Math.max(...samples.map(ackOrBound)))}`,
      ]),
      ['/reload ack', round(ackMs(reload.reload))],
      ['/reload, command to "Reload finished" edit', reload.wallMs === undefined ? 'not seen' : round(reload.wallMs)],
      ['engine reported isReloading for', round(reload.reloadingMs)],
      ['engine build time (tookMs)', reload.engineMs === undefined ? '?' : round(reload.engineMs)],
      ['papers added / texts embedded', `${reload.added ?? '?'} / ${reload.embeddedTexts ?? '?'}`],
      ['bot process: event-loop delay max / p99 during the reload', `${reload.loop.maxMs} / ${reload.loop.p99Ms}`],
      [
        'bot process: stalls over 250 ms (start, s after /reload, +ms)',
        reload.stalls.length ? reload.stalls.map((st) => `${round(st.atMs / 1000)} s +${st.ms}`).join(', ') : 'none',
      ],
      ['reload phases (s after /reload)', reload.phases.map((ph) => `${ph.phase} ${round(ph.atMs / 1000)}`).join(', ')],
      ['restoring reload (extra file removed)', round(reload.restoreMs)],
    ],
  });
  notes.push(
    `/reload: an admin runs /reload on the ${reloadSize}-paper synthetic corpus after ${EXTRA_PAPERS} new synthetic papers (new text, so the model embeds them) were added to its sources; ` +
      `from the /reload command until the engine no longer reports isReloading, one /ask every ${RELOAD_ASK_INTERVAL_MS} ms on a fixed schedule, from ${RELOAD_USERS} users in turn. ` +
      "The twin runs in a child process with its own clock, so interactions keep arriving during a stall of the bot's event loop (as they would from Discord) and wait in its socket; " +
      'the bot, engine and model run in this process, as in production. (With the twin in the same process, no ask can be sent while the loop is stalled, and the share would be overstated.) ' +
      'Only a deferral (callback type 5) within 3 s counts as in time; the twin accepts late callbacks, where Discord would answer 10062 Unknown interaction.',
    reload.restoredExactly
      ? 'Afterwards the extra file was removed and the engine reloaded; then the original index generation and cache segments were put back, so the corpus is exactly as before.'
      : `Afterwards the extra file was removed and the engine reloaded. ${reload.restoreNote ?? ''}`,
  );
  if (reload.problems.length) notes.push(`Bot log during the /reload run: ${summarize(reload.problems)}.`);
  const failedAnswers = reload.asks.filter((s) => s.ackType === 5 && s.editAt !== undefined && !s.editHasEmbeds).length;
  if (failedAnswers) notes.push(`${failedAnswers} asks during the reload were deferred but then answered with an error message instead of results.`);
  if (missing || errorReplies) {
    notes.push(
      `${missing} asks during the reload never got a callback and ${errorReplies} got the "Something went wrong" reply instead of a deferral: ` +
        'their deferral failed with "other side closed" (undici: the server had closed the pooled connection, most likely by the twin\'s 5 s HTTP keep-alive timeout while the bot was stalled).',
    );
  }

  return { id: 'bot', title: 'Bot path, end to end against a local Discord twin', figures, tables, notes };
}
