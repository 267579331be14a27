import type { Worker } from 'node:worker_threads';
import type { EngineConfig } from '../config.js';
import type { PassageEmbedder } from '../embedding/embedder.js';
import { ReloadCancelledError, reviveError, serializeError, type SerializedError } from '../errors.js';
import type { BuildProgress } from '../format/progress.js';
import type { ReloadReport } from './build-from-sources.js';
import type { EmbedReply, EmbedRequest } from './parent-embedder.js';
import { startThread } from '../util/thread.js';

/** The parent's side of a build thread (the thread itself is build-thread.ts). */
export type BuildThreadMessage =
  | { type: 'progress'; progress: BuildProgress }
  | { type: 'done'; generation: string; report: ReloadReport }
  | { type: 'error'; error: SerializedError }
  | EmbedRequest;

/** What the parent tells the thread: its job, stop now (it releases the index lock and exits at once), or what it embedded. */
export type BuildThreadCommand = { type: 'build'; job: BuildThreadJob } | { type: 'cancel' } | EmbedReply;

export interface BuildThreadJob {
  config: EngineConfig;
  force: boolean;
  /** The embedder's vector length, for the model fingerprint. */
  dimension: number;
}

/**
 * Build threads started ahead of need, one waiting at a time: a thread's modules take a few hundred
 * milliseconds to load, and over a second while the embedding threads start beside it, which a
 * reload would otherwise wait for. A waiting thread holds no index (about 12 MB) and keeps no process alive.
 */
export class BuildThreads {
  private waiting: Worker | undefined;

  /** Starts a thread to wait for the next build, unless one is waiting; returns the one waiting. */
  prepare(): Worker {
    if (this.waiting) return this.waiting;
    const worker = startThread(new URL('./build-thread.js', import.meta.url), undefined, import.meta.url);
    worker.unref();
    // One that fails or ends while waiting is dropped: the next build starts its own.
    const drop = () => {
      if (this.waiting === worker) this.waiting = undefined;
    };
    worker.once('error', drop).once('exit', drop);
    this.waiting = worker;
    return worker;
  }

  /** The waiting thread (a new one when none is), for one build. */
  take(): Worker {
    const worker = this.prepare();
    this.waiting = undefined;
    worker.ref();
    return worker;
  }

  /** Ends the waiting thread, if any. */
  async close(): Promise<void> {
    const worker = this.waiting;
    this.waiting = undefined;
    await worker?.terminate();
  }
}

/** Embeds what the thread asks for with `embedder`, until `stop` is aborted. */
function embedFor(worker: Worker, embedder: PassageEmbedder, request: EmbedRequest, stop: AbortSignal): void {
  const { id, passages } = request;
  const reply = (message: EmbedReply) => {
    if (!stop.aborted) worker.postMessage(message satisfies BuildThreadCommand);
  };
  embedder.embedWithSentences(passages, (done) => reply({ type: 'embed-progress', id, done }), stop).then(
    (vectors) => reply({ type: 'embedded', id, vectors }),
    (error: unknown) => reply({ type: 'embed-failed', id, error: serializeError(error) }),
  );
}

/**
 * Builds the index from the sources in a worker thread; resolves with the generation it left live.
 * `embedder` embeds what the build needs, here, for the thread (its threads keep the work off this
 * one). Aborting `signal` stops the thread before it commits (the manifest switch is the commit) and
 * rejects with ReloadCancelledError; a build that committed first still resolves.
 */
export function buildInThread(
  threads: BuildThreads,
  config: EngineConfig,
  force: boolean,
  embedder: PassageEmbedder,
  onProgress?: (progress: BuildProgress) => void,
  signal?: AbortSignal,
): Promise<{ generation: string; report: ReloadReport }> {
  if (signal?.aborted) return Promise.reject(new ReloadCancelledError());
  return new Promise((resolve, reject) => {
    const job: BuildThreadJob = { config, force, dimension: embedder.dimension };
    const worker = threads.take();
    worker.postMessage({ type: 'build', job } satisfies BuildThreadCommand);
    let settled = false;
    // Embedding for the thread stops when it is cancelled or ends.
    const stopEmbedding = new AbortController();
    const cancel = () => {
      stopEmbedding.abort();
      worker.postMessage({ type: 'cancel' } satisfies BuildThreadCommand);
    };
    signal?.addEventListener('abort', cancel, { once: true });
    worker.on('message', (message: BuildThreadMessage) => {
      if (message.type === 'progress') onProgress?.(message.progress);
      else if (message.type === 'embed') embedFor(worker, embedder, message, stopEmbedding.signal);
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
      stopEmbedding.abort();
      signal?.removeEventListener('abort', cancel);
      if (settled) return;
      reject(signal?.aborted ? new ReloadCancelledError() : new Error(`the index build thread stopped unexpectedly (exit code ${code})`));
    });
  });
}
