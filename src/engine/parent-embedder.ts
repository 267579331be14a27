import type { PassageEmbedder, PassageVectors, PassageWithSentences } from '../embedding/embedder.js';
import { reviveError, type SerializedError } from '../errors.js';

/** What a build thread asks of the thread that started it (build-thread-client.ts answers). */
export type EmbedRequest = { type: 'embed'; id: number; passages: PassageWithSentences[] };

/** The answers, and the progress of each request. */
export type EmbedReply =
  | { type: 'embedded'; id: number; vectors: PassageVectors[] }
  | { type: 'embed-progress'; id: number; done: number }
  | { type: 'embed-failed'; id: number; error: SerializedError };

/**
 * A build thread's embedder: the engine that started the build embeds for it, with the model and
 * embedding threads it already has. A build thread therefore loads no model of its own, and embedding
 * threads kept warm by one reload serve the next.
 */
export class ParentEmbedder implements PassageEmbedder {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: PassageVectors[]) => void; reject: (e: Error) => void; onProgress?: (done: number, total: number) => void; total: number }>();

  /** `post` sends a request to the parent; the parent's replies come back through receive(). */
  constructor(
    private readonly post: (request: EmbedRequest) => void,
    readonly dimension: number,
  ) {}

  /** Nothing to do: the engine warms its embedder as it starts the build thread (Engine.reload). */
  warm(): void {}

  /** Aborting `signal` rejects at once; the parent's vectors for it, when they come, are dropped. */
  embedWithSentences(passages: readonly PassageWithSentences[], onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<PassageVectors[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        this.pending.delete(id);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settled = () => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (vectors) => (settled(), resolve(vectors)),
        reject: (error) => (settled(), reject(error)),
        onProgress,
        total: passages.length,
      });
      this.post({ type: 'embed', id, passages: [...passages] });
    });
  }

  receive(reply: EmbedReply): void {
    const request = this.pending.get(reply.id);
    if (!request) return;
    if (reply.type === 'embed-progress') return request.onProgress?.(reply.done, request.total);
    this.pending.delete(reply.id);
    if (reply.type === 'embedded') request.resolve(reply.vectors);
    else request.reject(reviveError(reply.error));
  }
}
