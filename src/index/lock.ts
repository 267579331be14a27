import { mkdtempSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { IndexLockedError } from '../errors.js';

/**
 * The lock that lets one writer at a time build the index of a data dir: a folder `index.lock` beside
 * `index/`, holding one owner file named after its owner (pid and start time).
 * - Taking it: the owner file is written into a fresh temporary folder, which is then renamed to
 *   `index.lock`. rename(2) fails while `index.lock` holds an owner file, so the lock never exists
 *   without its owner, and a leftover empty folder is simply taken.
 * - A dead owner (no such process, a zombie, or its pid now used by a process started at another time)
 *   is taken over at once: its owner file is removed by its exact name, which only one waiter can do,
 *   then the folder. Nothing here depends on clocks or timers refreshing the lock.
 * - Owners on another host cannot be checked, so they are waited for like live ones.
 */
export interface LockOwner {
  pid: number;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat), where the system has it. */
  startTime?: number;
  host: string;
  /** The owner's command line, for the message. */
  command: string;
  /** When it took the lock (ISO time). */
  since: string;
}

export type LockNotice =
  /** Someone else holds the lock; the writer waits for at most `timeoutMs`. */
  | { kind: 'waiting'; path: string; owner?: LockOwner; timeoutMs: number }
  /** The lock's owner is no longer running; the writer took the lock over. */
  | { kind: 'taken-over'; path: string; owner?: LockOwner };

export interface LockOptions {
  /** How long to wait for a live owner before giving up. */
  timeoutMs: number;
  onNotice: (notice: LockNotice) => void;
  /** How often a waiter looks again (default 200 ms). */
  pollMs?: number;
}

const OWNER_FILE = /^owner-\d+-\d*\.json$/;

/** Where a data dir's index lock lives. */
export function indexLockPath(dataDir: string): string {
  return join(dataDir, 'index.lock');
}

/** The start time of a process (field 22 of /proc/<pid>/stat), undefined where there is no /proc. */
function processInfo(pid: number): { state: string; startTime: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, startTime: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

/** Whether the owner may still be running: false only when it surely is not. */
export function ownerIsAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const info = processInfo(owner.pid);
  if (!info) return true;
  // A zombie holds nothing; a different start time means the pid was reused by another process.
  if (info.state === 'Z' || info.state === 'X') return false;
  return owner.startTime === undefined || owner.startTime === info.startTime;
}

function thisProcess(): LockOwner {
  return {
    pid: process.pid,
    startTime: processInfo(process.pid)?.startTime,
    host: hostname(),
    command: process.argv.slice(1).join(' ').slice(0, 300),
    since: new Date().toISOString(),
  };
}

const ownerFileName = (owner: LockOwner) => `owner-${owner.pid}-${owner.startTime ?? ''}.json`;

/**
 * The lock's owner, as far as it says: no owner file means no lock, one being released, or one holding
 * something unexpected; an owner file cut short by a crash still names its pid and start time.
 */
function readOwner(path: string): { file: string; owner: LockOwner } | undefined {
  let file: string | undefined;
  try {
    file = readdirSync(path).find((name) => OWNER_FILE.test(name));
    if (!file) return undefined;
    return { file, owner: JSON.parse(readFileSync(join(path, file), 'utf8')) as LockOwner };
  } catch {
    if (!file) return undefined;
    const [, pid, startTime] = /^owner-(\d+)-(\d*)\.json$/.exec(file)!;
    return { file, owner: { pid: Number(pid), startTime: startTime ? Number(startTime) : undefined, host: hostname(), command: '?', since: '?' } };
  }
}

function tryTake(path: string, owner: LockOwner): boolean {
  const staging = mkdtempSync(`${path}.new-`);
  writeFileSync(join(staging, ownerFileName(owner)), JSON.stringify(owner));
  try {
    renameSync(staging, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    return false;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Removes a dead owner's lock; false when another waiter got there first. */
function breakLock(path: string, file: string): boolean {
  try {
    unlinkSync(join(path, file));
  } catch {
    return false;
  }
  try {
    rmdirSync(path);
  } catch {
    // Someone took the emptied folder already (rename onto an empty folder succeeds): theirs now.
  }
  return true;
}

/** Staging folders of takers killed between writing their owner file and the rename. */
function sweepStaging(path: string): void {
  const prefix = `${basename(path)}.new-`;
  for (const name of readdirSync(dirname(path))) {
    if (!name.startsWith(prefix)) continue;
    const staged = readOwner(join(dirname(path), name));
    if (!staged?.owner || !ownerIsAlive(staged.owner)) rmSync(join(dirname(path), name), { recursive: true, force: true });
  }
}

/**
 * Takes the lock, waiting for a live owner for at most `timeoutMs` (said at once through onNotice)
 * and taking over a dead owner's lock at once. Resolves with the function that releases it.
 */
export async function acquireLock(path: string, options: LockOptions): Promise<() => void> {
  const me = thisProcess();
  const deadline = performance.now() + options.timeoutMs;
  let announced = false;
  let lookedAgain = false;
  for (;;) {
    if (tryTake(path, me)) break;
    const held = readOwner(path);
    if (held && !ownerIsAlive(held.owner)) {
      if (breakLock(path, held.file)) options.onNotice({ kind: 'taken-over', path, owner: held.owner });
      continue;
    }
    // No owner file: most likely a lock being released this instant, so the next try takes it.
    if (!held && !lookedAgain) {
      lookedAgain = true;
      continue;
    }
    if (!announced) {
      options.onNotice({ kind: 'waiting', path, owner: held?.owner, timeoutMs: options.timeoutMs });
      announced = true;
    }
    if (performance.now() >= deadline) {
      throw new IndexLockedError(path, Math.round(options.timeoutMs / 1000), held && describeOwner(held.owner), !held || held.owner.host === me.host);
    }
    await sleep(options.pollMs ?? 200);
  }
  sweepStaging(path);
  const release = () => {
    process.off('exit', release);
    rmSync(join(path, ownerFileName(me)), { force: true });
    try {
      rmdirSync(path);
    } catch {
      // Already gone, or taken by the next writer the moment the owner file went: either is fine.
    }
  };
  // The owner is a pid, so a build thread that exits holding the lock (cancelled at shutdown, or
  // crashed) would leave it to a live owner; its 'exit' event releases it. Only kill -9 skips this,
  // and that owner is dead, so the next writer takes over at once.
  process.on('exit', release);
  return release;
}

const describeOwner = (owner: LockOwner | undefined) =>
  owner ? `pid ${owner.pid}${owner.host !== hostname() ? ` on ${owner.host}` : ''} (${owner.command}, since ${owner.since})` : 'a process that did not record who it is';

export function formatLockNotice(notice: LockNotice): string {
  if (notice.kind === 'taken-over') return `took over the index lock ${notice.path} from ${describeOwner(notice.owner)}, which is no longer running.`;
  return `another process holds the index (${notice.path}): ${describeOwner(notice.owner)}. Waiting up to ${Math.round(notice.timeoutMs / 1000)} s for it to finish…`;
}
