import { parentPort } from 'node:worker_threads';
import { serializeError } from '../errors.js';
import { createLogger } from '../log.js';
import { buildFromSources, modelFingerprint } from './build-from-sources.js';
import type { BuildThreadCommand, BuildThreadJob, BuildThreadMessage } from './build-thread-client.js';
import { ParentEmbedder } from './parent-embedder.js';

/**
 * A worker thread that builds the index from the sources and reports the generation it made live.
 * The engine that started it embeds for it (parent-embedder.ts), so it runs no model itself.
 */
const post = (message: BuildThreadMessage) => parentPort!.postMessage(message);
let embedder: ParentEmbedder | undefined;

// Cancelled, the thread exits where it stands. Its generation is never committed (the manifest switch
// is the commit; a later commit removes the folder). Exiting releases the index lock: the lock's
// release runs on the thread's exit event (src/index/lock.ts). The parent stops embedding for it.
parentPort!.on('message', (command: BuildThreadCommand) => {
  if (command.type === 'build') void build(command.job);
  else if (command.type === 'cancel') process.exit(1);
  else embedder?.receive(command);
});

/** The thread's one build: it starts ahead of need (build-thread-client.ts) and waits here for its job. */
async function build({ config, force, dimension }: BuildThreadJob): Promise<void> {
  const log = createLogger({ level: config.logLevel });
  embedder = new ParentEmbedder(post, dimension);
  try {
    // Handed no generation, the build opens the live one itself while it reads the sources, without
    // its graphs: the build only links them.
    const { snapshot, report } = await buildFromSources(config, embedder, modelFingerprint(config, dimension), undefined, log, {
      onProgress: (progress) => post({ type: 'progress', progress }),
      force,
    });
    post({ type: 'done', generation: snapshot.manifest.generation, report });
    snapshot.close();
  } catch (error) {
    post({ type: 'error', error: serializeError(error) });
  } finally {
    // The port kept the thread alive while it waited for its job and for vectors; once the build is done, it must not.
    parentPort!.unref();
  }
}
