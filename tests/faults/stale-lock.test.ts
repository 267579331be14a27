import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { acquireLock, ownerIsAlive } from '../../src/index/lock.js';
import { runCli } from '../setup/cli.js';
import { seededDataDir } from '../setup/engine.js';
import { ROOT, MODELS, SEEDS } from '../setup/paths.js';

/**
 * The index lock (issue 11, defect 5): a lock left by kill -9 made the next build wait 56 s without a
 * word, then fail with `Lock file is already being held (unexpected; …)`. Needs `npx tsc -p .`.
 */
const lockPath = (dataDir: string) => join(dataDir, 'index.lock');
const LOCK_MODULE = pathToFileURL(join(ROOT, 'dist', 'index', 'lock.js')).href;

/** A process that takes the index lock the way a build does, says so, and then holds it until killed. */
async function lockHolder(dataDir: string): Promise<ChildProcess> {
  const script = `
    const { acquireLock } = await import(${JSON.stringify(LOCK_MODULE)});
    await acquireLock(${JSON.stringify(lockPath(dataDir))}, { timeoutMs: 0, onNotice: () => {} });
    process.stdout.write('locked\\n');
    setInterval(() => {}, 60_000);`;
  const child = spawn('node', ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  expect(chunk.toString()).toBe('locked\n');
  return child;
}

async function kill9(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/** The built CLI as a process whose stderr can be watched while it runs. */
function startCli(args: string[], dataDir: string, env: Record<string, string> = {}) {
  const child = spawn('node', [join(ROOT, 'dist', 'cli', 'main.js'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH!, PAPERSCOUT_DATA_DIR: dataDir, PAPERSCOUT_MODELS_DIR: MODELS, PAPERSCOUT_SOURCES: SEEDS, MODEL_OFFLINE: 'true', PAPERSCOUT_ALLOW_EXTERNAL_PATHS: 'true', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = once(child, 'exit').then(([code]) => ({ code: code as number, stdout, stderr }));
  const said = async (pattern: RegExp) => {
    while (!pattern.test(stderr)) await once(child.stderr, 'data');
  };
  return { exit, said };
}

describe('the index lock', () => {
  it('takes over a fresh lock folder left by a killed build at once', async () => {
    const dataDir = seededDataDir();
    // What a build killed by kill -9 left behind with the old lock library: an empty, fresh lock folder.
    mkdirSync(lockPath(dataDir));
    const run = await runCli(['index', 'build', '--force'], { dataDir, timeoutMs: 30_000 });
    expect(run.stderr).not.toMatch(/unexpected/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Index updated/);
    expect(existsSync(lockPath(dataDir))).toBe(false);
  });

  it("takes over a kill -9'd owner's lock at once, and says whose it was", async () => {
    const dataDir = seededDataDir();
    const holder = await lockHolder(dataDir);
    await kill9(holder);
    expect(existsSync(lockPath(dataDir))).toBe(true);
    // A long timeout: were the dead owner waited for, this would fail on the test's own timeout.
    const run = await runCli(['index', 'build', '--force'], { dataDir, env: { INDEX_LOCK_TIMEOUT_SECONDS: '3600' }, timeoutMs: 30_000 });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`paperscout: took over the index lock ${lockPath(dataDir)} from pid ${holder.pid}`);
    expect(run.stderr).toMatch(/no longer running/);
    expect(run.stderr).not.toMatch(/Waiting/);
    expect(existsSync(lockPath(dataDir))).toBe(false);
  });

  it('says at once that a live holder has the index and waits for it; gives up with what to do', async () => {
    const dataDir = seededDataDir();
    const holder = await lockHolder(dataDir);
    try {
      const run = await runCli(['index', 'build', '--force'], { dataDir, env: { INDEX_LOCK_TIMEOUT_SECONDS: '1' } });
      expect(run.code).toBe(1);
      const waiting = run.stderr.indexOf(`paperscout: another process holds the index (${lockPath(dataDir)}): pid ${holder.pid}`);
      const gaveUp = run.stderr.indexOf(`paperscout: Gave up after 1 s waiting for the index lock ${lockPath(dataDir)}, held by pid ${holder.pid}`);
      expect(waiting).toBeGreaterThanOrEqual(0);
      expect(gaveUp).toBeGreaterThan(waiting);
      expect(run.stderr).toMatch(/Waiting up to 1 s for it to finish/);
      expect(run.stderr).toMatch(/which is still running\. Let it finish \(or stop it\), then run this command again/);
      expect(run.stderr).toContain(`Remove ${lockPath(dataDir)} only when no paperscout process`);
      expect(run.stderr).not.toMatch(/unexpected/);
      // The holder's lock is untouched.
      expect(existsSync(lockPath(dataDir))).toBe(true);
    } finally {
      await kill9(holder);
    }
  });

  it('a waiting writer takes the lock over the moment its live holder dies', async () => {
    const dataDir = seededDataDir();
    const holder = await lockHolder(dataDir);
    const cli = startCli(['index', 'build', '--force'], dataDir, { INDEX_LOCK_TIMEOUT_SECONDS: '3600' });
    await cli.said(new RegExp(`another process holds the index \\(.*\\): pid ${holder.pid}`));
    await kill9(holder);
    const run = await cli.exit;
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`from pid ${holder.pid}`);
    expect(run.stdout).toMatch(/Index updated/);
  });

  it('a build thread that exits holding the lock (cancelled, or crashed) releases it: this live process can take it at once', async () => {
    const dataDir = seededDataDir();
    const script = `(async () => {
      const { acquireLock } = await import(${JSON.stringify(LOCK_MODULE)});
      await acquireLock(${JSON.stringify(lockPath(dataDir))}, { timeoutMs: 0, onNotice: () => {} });
      process.exit(1);
    })();`;
    const thread = new Worker(script, { eval: true });
    const [code] = (await once(thread, 'exit')) as [number];
    expect(code).toBe(1);
    expect(existsSync(lockPath(dataDir))).toBe(false);
    const notices: unknown[] = [];
    const release = await acquireLock(lockPath(dataDir), { timeoutMs: 0, onNotice: (n) => notices.push(n) });
    release();
    expect(notices).toEqual([]);
  });
});

describe('telling a live lock owner from a dead one', () => {
  const me = { pid: process.pid, host: hostname(), command: 'test', since: new Date().toISOString() };

  it('this process is alive', () => {
    expect(ownerIsAlive(me)).toBe(true);
  });

  it('a reused pid (the same pid, started at another time) is dead', () => {
    expect(ownerIsAlive({ ...me, startTime: 1 })).toBe(false);
  });

  it('an owner on another host cannot be checked, so counts as alive', () => {
    expect(ownerIsAlive({ ...me, pid: 2 ** 22 + 1, host: `not-${hostname()}` })).toBe(true);
  });

  it('a pid no process has is dead', () => {
    expect(ownerIsAlive({ ...me, pid: 2 ** 22 + 1 })).toBe(false);
  });
});
