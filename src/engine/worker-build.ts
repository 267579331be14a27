import { Worker } from 'node:worker_threads';
import type { EngineConfig } from '../config.js';
import { UserError } from '../errors.js';
import type { BuildProgress } from '../index/build.js';
import type { ReloadReport } from './sync.js';

export type WorkerMessage =
  | { type: 'progress'; progress: BuildProgress }
  | { type: 'done'; generation: string; report: ReloadReport }
  | { type: 'error'; message: string; userError: boolean };

export interface WorkerJob {
  config: EngineConfig;
  force: boolean;
}

/** Starts the worker: the compiled script normally, the TypeScript source through tsx when running from source (tests). */
function startWorker(job: WorkerJob): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./build-worker.js', import.meta.url), { workerData: job });
  const source = new URL('./build-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: job });
}

/** Syncs the index in a worker thread; resolves with the generation it left live. */
export function buildInWorker(
  config: EngineConfig,
  force: boolean,
  onProgress?: (progress: BuildProgress) => void,
): Promise<{ generation: string; report: ReloadReport }> {
  return new Promise((resolve, reject) => {
    const worker = startWorker({ config, force });
    let settled = false;
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') onProgress?.(message.progress);
      else if (message.type === 'done') {
        settled = true;
        resolve({ generation: message.generation, report: message.report });
      } else {
        settled = true;
        reject(message.userError ? new UserError(message.message) : new Error(message.message));
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the index build worker stopped unexpectedly (exit code ${code})`));
    });
  });
}
