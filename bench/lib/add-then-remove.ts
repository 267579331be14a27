import { rmSync, writeFileSync } from 'node:fs';

/** What a reload must offer to be timed: any checkout's Engine, whatever its report holds. */
interface Reloads<R> {
  reload(): Promise<R>;
}

/**
 * Writes `lines` as an extra source file and reloads, then removes the file and reloads again: the
 * cost of adding papers and of removing the same ones, each with its reload's report.
 */
export async function timeAddThenRemove<R>(engine: Reloads<R>, file: string, lines: readonly string[]): Promise<{ added: R; addMs: number; removed: R; removeMs: number }> {
  writeFileSync(file, lines.join('\n'));
  let started = performance.now();
  const added = await engine.reload();
  const addMs = performance.now() - started;
  rmSync(file);
  started = performance.now();
  const removed = await engine.reload();
  return { added, addMs, removed, removeMs: performance.now() - started };
}
