import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../errors.js';
import { IndexLoadError, loadGeneration } from '../index/generation.js';
import { createLogger } from '../log.js';
import { loadEmbedder } from './engine.js';
import { modelFingerprint, syncIndex } from './sync.js';
import type { WorkerJob, WorkerMessage } from './worker-build.js';

/** A worker thread that syncs the index from the sources and reports the generation it made live. */
const { config, force } = workerData as WorkerJob;
const post = (message: WorkerMessage) => parentPort!.postMessage(message);
const log = createLogger({ level: config.logLevel });

try {
  const embedder = await loadEmbedder(config);
  const fingerprint = modelFingerprint(config, embedder.dimension);
  let previous;
  try {
    previous = await loadGeneration(join(config.dataDir, 'index'), fingerprint, config.hnsw.efSearch);
  } catch (error) {
    if (!(error instanceof IndexLoadError)) throw error;
  }
  const { snapshot, report } = await syncIndex(config, embedder, fingerprint, previous, log, (progress) => post({ type: 'progress', progress }), force);
  post({ type: 'done', generation: snapshot.manifest.generation, report });
  snapshot.close();
  if (previous && previous !== snapshot) previous.close();
  await embedder.dispose();
} catch (error) {
  post({ type: 'error', message: (error as Error).message ?? String(error), userError: error instanceof UserError });
}
