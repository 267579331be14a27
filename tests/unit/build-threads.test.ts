import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEngineConfig } from '../../src/config.js';
import { BuildThreads, type BuildThreadCommand, type BuildThreadMessage } from '../../src/engine/build-thread-client.js';

const ended = (worker: Worker) => new Promise<number>((resolve) => worker.once('exit', resolve));

describe('BuildThreads', () => {
  const threads = new BuildThreads();
  afterEach(() => threads.close());

  it('keeps one thread waiting, and hands it to the next build, which it runs', async () => {
    const waiting = threads.prepare();
    expect(threads.prepare()).toBe(waiting); // one at a time
    const taken = threads.take();
    expect(taken).toBe(waiting);
    expect(threads.take()).not.toBe(waiting); // none waiting: a new one
    // The thread waited for its job: a data dir without sources fails with the build's own error.
    const dir = mkdtempSync(join(tmpdir(), 'paperscout-threads-'));
    const config = loadEngineConfig({ PAPERSCOUT_DATA_DIR: dir, PAPERSCOUT_SOURCES: join(dir, 'none'), PAPERSCOUT_ALLOW_EXTERNAL_PATHS: 'true', MODEL_OFFLINE: 'true', LOG_LEVEL: 'silent' });
    const reply = new Promise<BuildThreadMessage>((resolve) => taken.once('message', resolve));
    taken.postMessage({ type: 'build', job: { config, force: false, dimension: 384 } } satisfies BuildThreadCommand);
    expect(await reply).toMatchObject({ type: 'error', error: { name: 'NoPapersError' } });
    expect(await ended(taken)).toBe(0); // done, it ends by itself
  });

  it('drops a waiting thread that ended, and ends the waiting one on close', async () => {
    const first = threads.prepare();
    await first.terminate();
    const second = threads.prepare();
    expect(second).not.toBe(first);
    const exit = ended(second);
    await threads.close();
    await exit;
    expect(threads.prepare()).not.toBe(second);
  });
});
