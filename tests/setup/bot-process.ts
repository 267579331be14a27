import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { tempDir } from './engine.js';
import { MODELS, ROOT, SEEDS } from './paths.js';

const BOT = join(ROOT, 'dist', 'bot', 'main.js');

export interface BotProcess {
  child: ChildProcessWithoutNullStreams;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Its JSON log lines so far. */
  lines(): Record<string, unknown>[];
  /** Resolves once a log line has this `msg`; rejects if the process exits first or `timeoutMs` passes. */
  logged(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Its exit code (or the signal that ended it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The built bot (`dist/`) as a process, offline, against a Discord twin; `env` adds to or overrides the defaults. */
export function spawnBot(twin: { botToken: string; restUrl: string }, env: Record<string, string>): BotProcess {
  const child = spawn('node', [BOT], {
    cwd: tempDir(),
    env: {
      PATH: process.env.PATH,
      DISCORD_TOKEN: twin.botToken,
      DISCORD_API_BASE: twin.restUrl,
      PAPERSCOUT_MODELS_DIR: MODELS,
      PAPERSCOUT_SOURCES: SEEDS,
      MODEL_OFFLINE: 'true',
      PAPERSCOUT_ALLOW_EXTERNAL_PATHS: 'true',
      HF_API_BASE: 'http://127.0.0.1:9',
      HF_FETCH_RETRIES: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d));
  child.stderr.on('data', (d: Buffer) => (output += d));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const lines = () =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    child,
    output: () => output,
    lines,
    exited,
    async logged(msg, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = lines().find((l) => l.msg === msg);
        if (line) return line;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the bot exited before logging "${msg}":\n${output}`);
        if (Date.now() > deadline) throw new Error(`the bot did not log "${msg}" in time:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
