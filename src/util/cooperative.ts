/**
 * Long synchronous loops call the returned function on each step; it yields to the event loop
 * whenever `sliceMs` has passed, so the bot keeps acknowledging interactions within milliseconds
 * while a large index is read, built or written on the same thread.
 */
export function cooperative(sliceMs = 15): () => Promise<void> | undefined {
  let sliceStart = performance.now();
  return () => {
    if (performance.now() - sliceStart < sliceMs) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        sliceStart = performance.now();
        resolve();
      }),
    );
  };
}

/** Runs a step-by-step job to the end at once. */
export function runToEnd<T>(job: Generator<unknown, T>): T {
  for (;;) {
    const step = job.next();
    if (step.done) return step.value;
  }
}

/** Runs a step-by-step job, yielding to the event loop between steps as `tick` decides. */
export async function runCooperatively<T>(job: Generator<unknown, T>, tick = cooperative()): Promise<T> {
  for (;;) {
    const step = job.next();
    if (step.done) return step.value;
    await tick();
  }
}

/**
 * Runs a step-by-step job in slices of `sliceMs` between other work, for as long as `wanted()`
 * holds, and only while `busy()` does not (it then waits `sliceMs` and looks again): work ahead of
 * need (a live snapshot's warm-up) that gives way to anything else.
 */
export async function runInBackground(job: Generator<unknown>, sliceMs: number, wanted: () => boolean, busy: () => boolean = () => false): Promise<void> {
  const tick = cooperative(sliceMs);
  await new Promise((resolve) => setImmediate(resolve));
  while (wanted()) {
    if (busy()) {
      await new Promise((resolve) => setTimeout(resolve, sliceMs));
      continue;
    }
    if (job.next().done) return;
    await tick();
  }
}
