import type { EngineConfig } from '../config.js';
import { ReloadCancelledError, reviveError, type SerializedError } from '../errors.js';
import type { BuildProgress } from '../format/progress.js';
import type { ReloadReport } from './build-from-sources.js';
import { startThread } from '../util/thread.js';

/** The parent's side of a build thread (the thread itself is build-thread.ts). */
export type BuildThreadMessage =
  | { type: 'progress'; progress: BuildProgress }
  | { type: 'done'; generation: string; report: ReloadReport }
  | { type: 'error'; error: SerializedError };

/** What the parent tells the thread: stop now (it releases the index lock and exits at once). */
export type BuildThreadCommand = { type: 'cancel' };

export interface BuildThreadJob {
  config: EngineConfig;
  force: boolean;
}

/**
 * Builds the index from the sources in a worker thread; resolves with the generation it left live.
 * Aborting `signal` stops the thread before it commits (the manifest switch is the commit) and rejects
 * with ReloadCancelledError; a build that committed first still resolves.
 */
export function buildInThread(
  config: EngineConfig,
  force: boolean,
  onProgress?: (progress: BuildProgress) => void,
  signal?: AbortSignal,
): Promise<{ generation: string; report: ReloadReport }> {
  if (signal?.aborted) return Promise.reject(new ReloadCancelledError());
  return new Promise((resolve, reject) => {
    const worker = startThread(new URL('./build-thread.js', import.meta.url), { config, force } satisfies BuildThreadJob, import.meta.url);
    let settled = false;
    // Never worker.terminate(): onnxruntime aborts the process when a thread is terminated mid-batch.
    const cancel = () => worker.postMessage({ type: 'cancel' } satisfies BuildThreadCommand);
    signal?.addEventListener('abort', cancel, { once: true });
    worker.on('message', (message: BuildThreadMessage) => {
      if (message.type === 'progress') onProgress?.(message.progress);
      else if (message.type === 'done') {
        settled = true;
        resolve({ generation: message.generation, report: message.report });
      } else {
        settled = true;
        reject(reviveError(message.error));
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      signal?.removeEventListener('abort', cancel);
      if (settled) return;
      reject(signal?.aborted ? new ReloadCancelledError() : new Error(`the index build thread stopped unexpectedly (exit code ${code})`));
    });
  });
}
