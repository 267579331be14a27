import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { seededDataDir } from './engine.js';
import { MODELS, ROOT, SEEDS } from './paths.js';

const execFileAsync = promisify(execFile);
const CLI = join(ROOT, 'dist', 'cli', 'main.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

interface CliOptions {
  env?: Record<string, string>;
  dataDir?: string;
}

/** The CLI's environment: offline (model and Hub), the provisioned model, the seeds, and a data dir (a copy of the seed index unless given). */
function cliEnv(options: CliOptions): Record<string, string> {
  return {
    PATH: process.env.PATH!,
    PAPERSCOUT_DATA_DIR: options.dataDir ?? seededDataDir(),
    PAPERSCOUT_MODELS_DIR: MODELS,
    PAPERSCOUT_SOURCES: SEEDS,
    MODEL_OFFLINE: 'true',
    PAPERSCOUT_ALLOW_EXTERNAL_PATHS: 'true',
    // `paper` asks the Hub for the models citing a paper: a closed local port, never the real one.
    HF_HUB_API_BASE: 'http://127.0.0.1:9',
    ...options.env,
  };
}

/** Runs the built CLI (`dist/`) as a process on a copy of the seed index, offline. */
export async function runCli(args: string[], options: CliOptions & { timeoutMs?: number; input?: string } = {}): Promise<Run> {
  const child = execFileAsync('node', [CLI, ...args], { cwd: ROOT, env: cliEnv(options), timeout: options.timeoutMs ?? 60_000 });
  if (options.input !== undefined) child.child.stdin!.end(options.input);
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

export interface RunningCli {
  child: ChildProcess;
  /** What was printed so far. */
  stderr: () => string;
  /** Settles when the process exits: its code (null when a signal ended it), the signal, and its output. */
  exited: Promise<Run & { signal: NodeJS.Signals | null }>;
}

/** Starts the built CLI like runCli, as a process the caller can watch and kill. */
export function startCli(args: string[], options: CliOptions = {}): RunningCli {
  const child = spawn('node', [CLI, ...args], { cwd: ROOT, env: cliEnv(options), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'close').then(([code, signal]) => ({ code: code as number, signal: signal as NodeJS.Signals | null, stdout, stderr }));
  return { child, stderr: () => stderr, exited };
}
