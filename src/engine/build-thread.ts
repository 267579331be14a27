import { parentPort, workerData } from 'node:worker_threads';
import type { Embedder } from '../embedding/embedder.js';
import { ThreadedEmbedder } from '../embedding/threaded-embedder.js';
import { IndexLoadError, serializeError } from '../errors.js';
import { indexDirIn, loadGeneration } from '../index/generation.js';
import { createLogger } from '../log.js';
import { buildFromSources, modelFingerprint } from './build-from-sources.js';
import type { BuildThreadCommand, BuildThreadJob, BuildThreadMessage } from './build-thread-client.js';
import { loadEmbedder } from './engine.js';

/** A worker thread that builds the index from the sources and reports the generation it made live. */
const { config, force } = workerData as BuildThreadJob;
const post = (message: BuildThreadMessage) => parentPort!.postMessage(message);
const log = createLogger({ level: config.logLevel });

// Cancelled, the thread exits where it stands. It must end itself: onnxruntime aborts the whole process
// when a thread is terminated from outside during a batch. Its generation is never committed (the
// manifest switch is the commit; a later commit removes the folder). Exiting releases the index lock:
// the lock's release runs on the thread's exit event (src/index/lock.ts).
// Embedding threads of its own are ended first, each once its run is done, for the same reason.
let embedder: Embedder | undefined;
let cancelled = false;
parentPort!.on('message', (command: BuildThreadCommand) => {
  if (command.type !== 'cancel') return;
  cancelled = true;
  void (embedder instanceof ThreadedEmbedder ? embedder.stopThreads() : Promise.resolve()).finally(() => process.exit(1));
});
// Listening must not keep the thread alive once the build is done.
parentPort!.unref();

try {
  embedder = await loadEmbedder(config);
  const fingerprint = modelFingerprint(config, embedder.dimension);
  let previous;
  try {
    previous = await loadGeneration(indexDirIn(config.dataDir), fingerprint, config.hnsw.efSearch);
  } catch (error) {
    if (!(error instanceof IndexLoadError)) throw error;
  }
  const { snapshot, report } = await buildFromSources(config, embedder, fingerprint, previous, log, (progress) => post({ type: 'progress', progress }), force);
  post({ type: 'done', generation: snapshot.manifest.generation, report });
  snapshot.close();
  if (previous && previous !== snapshot) previous.close();
  await embedder.dispose();
} catch (error) {
  // A cancelled build fails as its embedding threads end; the parent hears of the cancel, not of that.
  if (!cancelled) post({ type: 'error', error: serializeError(error) });
}
