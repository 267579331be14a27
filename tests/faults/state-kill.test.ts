import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { prng } from '../../bench/harness/random.js';
import { BotState } from '../../src/bot/state/bot-state.js';
import { quietLogger, tempDir } from '../setup/engine.js';
import { ROOT } from '../setup/paths.js';

/** Rounds of kill -9; each kills the writer at a seeded moment after a seeded number of commits. */
const ROUNDS = process.env.FAULT_SOAK === '1' ? 40 : 8;

/** Starts the writer from change `first`; resolves with the last change it reported committed once killed. */
function writeUntilKilled(dataDir: string, first: number, killAfter: number, extraMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}tests/setup/state-writer.ts`, dataDir, String(first)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let acked = first - 1;
    let buffer = '';
    let stderr = '';
    let killing = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) acked = Number(line);
      if (!killing && acked - first + 1 >= killAfter) {
        killing = true;
        // Mid-loop: the next change is being made when the signal lands, at a seeded offset.
        setTimeout(() => child.kill('SIGKILL'), extraMs);
      }
    });
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(acked) : reject(new Error(`writer exited ${code}: ${stderr}`))));
  });
}

describe('the bot state under kill -9', () => {
  it('loses at most the change being made, and never part of one', async () => {
    const dir = tempDir();
    const random = prng(12);
    let next = 1;
    for (let round = 0; round < ROUNDS; round++) {
      const acked = await writeUntilKilled(dir, next, 5 + Math.floor(random() * 40), Math.floor(random() * 5));
      const state = BotState.open(dir, quietLogger());
      const sql = state.db.sql;
      expect(sql.prepare('PRAGMA integrity_check').get()).toMatchObject({ integrity_check: 'ok' });
      const watches = (sql.prepare('SELECT count(*) AS n FROM watches').get() as { n: number }).n;
      const votes = (sql.prepare('SELECT count(*) AS n FROM votes').get() as { n: number }).n;
      const matches = (sql.prepare('SELECT count(*) AS n FROM matches').get() as { n: number }).n;
      // Every reported change is kept; at most the one in flight (committed, not yet reported) is extra.
      expect(watches, `round ${round}`).toBeGreaterThanOrEqual(acked);
      expect(watches, `round ${round}`).toBeLessThanOrEqual(acked + 1);
      // A change is whole or absent: each watch has its three matches and its vote, and the mark agrees.
      expect(matches).toBe(3 * watches);
      expect(votes).toBe(watches);
      expect(state.subscriptions.get('g')?.createdAt).toBe(String(watches));
      state.close();
      next = watches + 1;
    }
  });
});
