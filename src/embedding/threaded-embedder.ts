import type { Worker } from 'node:worker_threads';
import { startThread } from '../util/thread.js';
import { TransformersEmbedder, type Embedder, type EmbedderOptions, type PassageVectors, type PassageWithSentences } from './embedder.js';

export type EmbedThreadRequest = { type: 'embed'; id: number; passages: PassageWithSentences[] } | { type: 'exit' };
export type EmbedThreadMessage =
  | { type: 'ready' }
  | { type: 'done'; id: number; vectors: PassageVectors[] }
  | { type: 'error'; id: number; message: string };

// Small parcels keep every thread busy to the end, whatever the passages' lengths or the machine's
// load: at most 8 passages, and fewer for a small job (100 passages on 2 threads go 3 at a time).
const MAX_PARCEL = 8;
const parcelSize = (passages: number, threads: number) => Math.max(1, Math.min(MAX_PARCEL, Math.round(passages / (threads * 16))));

/** Waits for a thread's model to load; rejects with its error. */
function ready(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: EmbedThreadMessage) => {
      worker.off('message', onMessage);
      if (message.type === 'ready') resolve();
      else reject(new Error(message.type === 'error' ? message.message : 'unexpected message'));
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
}

// Threads left without work this long end, giving their memory back; the next build starts them again.
const IDLE_MS = 60_000;

/**
 * Embeds passages with sentences on several worker threads, each with a model of its own on one
 * onnxruntime thread: small runs keep two threads of one session waiting on each other, two sessions
 * do not. Questions and plain passages stay on the calling thread's model. A passage's vectors do not
 * depend on the thread that made them (batch 1, and one onnxruntime thread gives the same vectors as two).
 * The threads start with the first passages to embed, or when warm() says some are coming, and end
 * after a minute without any.
 */
export class ThreadedEmbedder implements Embedder {
  private nextId = 0;
  private workers: Promise<Worker[]> | undefined;
  private idle: NodeJS.Timeout | undefined;
  /** Calls of embedWithSentences under way. */
  private embedding = 0;

  private constructor(
    private readonly local: TransformersEmbedder,
    private readonly options: EmbedderOptions,
    private readonly threads: number,
  ) {}

  static async load(options: EmbedderOptions, threads: number): Promise<ThreadedEmbedder> {
    return new ThreadedEmbedder(await TransformersEmbedder.load(options), options, threads);
  }

  private async start(): Promise<Worker[]> {
    const workers: Worker[] = [];
    try {
      for (let i = 0; i < this.threads; i++) {
        workers.push(startThread(new URL('./embed-thread.js', import.meta.url), { ...this.options, threads: 1, onDownload: undefined }, import.meta.url));
      }
      await Promise.all(workers.map(ready));
      return workers;
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
  }

  get modelId(): string {
    return this.local.modelId;
  }

  get dimension(): number {
    return this.local.dimension;
  }

  embedQuery(text: string): Promise<Float32Array> {
    return this.local.embedQuery(text);
  }

  embedPassages(texts: readonly string[], onProgress?: (done: number, total: number) => void): Promise<Float32Array[]> {
    return this.local.embedPassages(texts, onProgress);
  }

  warm(): void {
    this.startThreads();
    this.idleAfterwards();
  }

  /** The threads, starting them unless they are up or starting; a start that fails is tried again next time. */
  private startThreads(): Promise<Worker[]> {
    clearTimeout(this.idle);
    if (!this.workers) {
      const starting = this.start();
      this.workers = starting;
      // warm() does not wait: whoever embeds next hears of a failure, and starts them again.
      starting.catch(() => {
        if (this.workers === starting) this.workers = undefined;
      });
    }
    return this.workers;
  }

  private idleAfterwards(): void {
    clearTimeout(this.idle);
    // A warm() while passages are being embedded must not end the threads under them.
    this.idle = setTimeout(() => void (this.embedding === 0 && this.stopThreads()), IDLE_MS).unref();
  }

  async embedWithSentences(
    passages: readonly PassageWithSentences[],
    onProgress?: (done: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<PassageVectors[]> {
    this.embedding++;
    try {
      return await this.embedOnThreads(await this.startThreads(), passages, onProgress, signal);
    } finally {
      this.embedding--;
      this.idleAfterwards();
    }
  }

  private async embedOnThreads(
    workers: readonly Worker[],
    passages: readonly PassageWithSentences[],
    onProgress: ((done: number, total: number) => void) | undefined,
    signal: AbortSignal | undefined,
  ): Promise<PassageVectors[]> {
    const results = new Array<PassageVectors>(passages.length);
    // Longest first, so that the last parcels are short ones and the threads finish together.
    const order = passages.map((_, i) => i).sort((a, b) => passages[b]!.text.length - passages[a]!.text.length);
    const parcel = parcelSize(passages.length, workers.length);
    let next = 0;
    let done = 0;
    const drain = async (worker: Worker) => {
      while (next < order.length) {
        signal?.throwIfAborted();
        const taken = order.slice(next, (next += parcel));
        const vectors = await this.send(worker, taken.map((i) => passages[i]!));
        vectors.forEach((v, j) => (results[taken[j]!] = v));
        done += vectors.length;
        onProgress?.(done, passages.length);
      }
    };
    try {
      await Promise.all(workers.map(drain));
    } catch (error) {
      // A thread that failed is not trusted with more work: the next call starts afresh. An abort
      // leaves the threads sound, each having finished its parcel.
      if (!signal?.aborted) await this.stopThreads();
      throw error;
    }
    return results;
  }

  private send(worker: Worker, passages: PassageWithSentences[]): Promise<PassageVectors[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onMessage = (message: EmbedThreadMessage) => {
        if (message.type === 'ready' || message.id !== id) return;
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        if (message.type === 'done') resolve(message.vectors);
        else reject(new Error(message.message));
      };
      const onExit = (code: number) => reject(new Error(`an embedding thread stopped unexpectedly (exit code ${code})`));
      worker.on('message', onMessage);
      worker.once('exit', onExit);
      worker.postMessage({ type: 'embed', id, passages } satisfies EmbedThreadRequest);
    });
  }

  /**
   * Ends the threads once they finish what they are running (onnxruntime aborts the process when a
   * thread is terminated during a run); passages still to embed fail. The next call starts them again.
   */
  async stopThreads(): Promise<void> {
    const started = this.workers;
    this.workers = undefined;
    const workers = await started?.catch(() => []);
    await Promise.all(
      (workers ?? []).map((worker) => {
        if (worker.threadId === -1) return undefined; // already ended
        const exited = new Promise((resolve) => worker.once('exit', resolve));
        worker.postMessage({ type: 'exit' } satisfies EmbedThreadRequest);
        return exited;
      }),
    );
  }

  async dispose(): Promise<void> {
    clearTimeout(this.idle);
    await this.stopThreads();
    await this.local.dispose();
  }
}
