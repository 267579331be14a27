import { constants } from 'node:os';
import type { Logger } from '../log.js';

/** How long a stop may take before the process exits anyway: well inside a service manager's usual 10 s stop timeout. */
export const SHUTDOWN_DEADLINE_MS = 5000;

/** The exit code of a stop that overran its deadline or had a step fail. */
export const FAILED_STOP_EXIT_CODE = 1;

/**
 * On the first SIGINT or SIGTERM, runs `stop` and exits 0 (FAILED_STOP_EXIT_CODE if it throws). A stop
 * still running after SHUTDOWN_DEADLINE_MS exits with FAILED_STOP_EXIT_CODE, logging the step it was on
 * (`stop` names each step as it begins). A second signal exits at once with 128 + its number, as a
 * shell reports a process ended by that signal.
 */
export function stopOnSignals(log: Logger, stop: (onStep: (step: string) => void) => Promise<void>): void {
  let running: string | undefined;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (running !== undefined) {
      log.warn({ signal, running }, 'second signal: exiting at once');
      process.exit(128 + constants.signals[signal]);
    }
    running = 'starting to stop';
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error({ running, deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown deadline passed');
      process.exit(FAILED_STOP_EXIT_CODE);
    }, SHUTDOWN_DEADLINE_MS).unref();
    try {
      await stop((step) => (running = step));
    } catch (error) {
      log.error({ err: error, running }, 'shutdown failed');
      process.exit(FAILED_STOP_EXIT_CODE);
    }
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', (signal) => void shutdown(signal));
  process.on('SIGTERM', (signal) => void shutdown(signal));
}
