import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on a module beside the caller, given by its compiled `.js` URL: the
 * compiled script normally, its TypeScript source through tsx when running from source (tests).
 */
export function startThread(script: URL, workerData: unknown, callerUrl: string): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(script, { workerData });
  const source = script.href.replace(/\.js$/, '.ts');
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}
