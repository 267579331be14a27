/**
 * Two set-ups for the bot path: the test harness (bench/harness/twin.ts: twin, bot and engine in this
 * one process), and the twin in a child process (bench/probes/twin.ts), where the twin keeps its own
 * clock and keeps sending while the bot's event loop is busy, as Discord does. The /reload measurement
 * needs the second: in one process no interaction can even be sent while the bot's loop is stalled.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningBot } from '../../../src/bot/bot.js';
import type { EngineConfig } from '../../../src/config.js';
import type { Engine } from '../../../src/engine/engine.js';
import type { Logger } from '../../../src/log.js';
import { addUsers, MEMBER, OTHER, startBotOn, startTwinBot } from '../../harness/twin.js';
import { commandSender, TwinClock, type Edit, type Sample, type TwinReady, type TwinRequest } from '../../lib/twin-clock.js';
import type { BenchContext } from '../../lib/types.js';

/** What the measurements need of a set-up, whichever process the twin runs in. */
export interface Driver {
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
export async function inProcess(engineConfig: EngineConfig, extraUsers: number, log: Logger): Promise<Driver> {
  const t = await startTwinBot({ engineConfig, log });
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
    const child = fork(join(ctx.root, 'bench', 'probes', 'twin.ts'), [String(extraUsers)], {
      cwd: ctx.root,
      execArgv: ['--import', 'tsx'],
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

/** The twin in a child process; the bot and engine here, set up as the harness does. */
export async function outOfProcess(ctx: BenchContext, engineConfig: EngineConfig, extraUsers: number, log: Logger): Promise<Driver> {
  const twin = await TwinProcess.start(ctx, extraUsers);
  let engine: Engine | undefined;
  let bot: RunningBot | undefined;
  const stop = async () => {
    await bot?.stop().catch((error: unknown) => ctx.log(`  bot: stopping the bot failed: ${(error as Error).message}`));
    await engine?.close().catch((error: unknown) => ctx.log(`  bot: closing the engine failed: ${(error as Error).message}`));
    await twin.stop();
  };
  try {
    const started = await startBotOn(twin.ready, { engineConfig, log });
    engine = started.engine;
    bot = await started.start();
    const collect = (samples: Sample[], edit: boolean, editsOf?: string) =>
      twin.call<{ samples: Sample[]; open: number; edits: Edit[] }>({ kind: 'collect', samples, edit, editsOf });
    return {
      users: twin.ready.users,
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
