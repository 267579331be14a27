import { parentPort, workerData } from 'node:worker_threads';
import { TransformersEmbedder, type EmbedderOptions } from './embedder.js';
import type { EmbedThreadMessage, EmbedThreadRequest } from './threaded-embedder.js';

/** A worker thread with a model of its own, embedding the passages it is sent (see threaded-embedder.ts). */
const post = (message: EmbedThreadMessage) => parentPort!.postMessage(message);
try {
  const embedder = await TransformersEmbedder.load(workerData as EmbedderOptions);
  parentPort!.on('message', async (request: EmbedThreadRequest) => {
    if (request.type === 'exit') {
      await embedder.dispose();
      process.exit(0);
    }
    try {
      post({ type: 'done', id: request.id, vectors: await embedder.embedWithSentences(request.passages) });
    } catch (error) {
      post({ type: 'error', id: request.id, message: (error as Error).message ?? String(error) });
    }
  });
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'error', id: -1, message: (error as Error).message ?? String(error) });
}
