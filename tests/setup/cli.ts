import { execFile } from 'node:child_process';
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

/** Runs the built CLI (`dist/`) as a process on a copy of the seed index, offline. */
export async function runCli(
  args: string[],
  options: { env?: Record<string, string>; dataDir?: string; timeoutMs?: number; input?: string } = {},
): Promise<Run> {
  const env = {
    PATH: process.env.PATH!,
    PAPERSCOUT_DATA_DIR: options.dataDir ?? seededDataDir(),
    PAPERSCOUT_MODELS_DIR: MODELS,
    PAPERSCOUT_SOURCES: SEEDS,
    MODEL_OFFLINE: 'true',
    PAPERSCOUT_ALLOW_EXTERNAL_PATHS: 'true',
    ...options.env,
  };
  const child = execFileAsync('node', [CLI, ...args], { cwd: ROOT, env, timeout: options.timeoutMs ?? 60_000 });
  if (options.input !== undefined) child.child.stdin!.end(options.input);
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
