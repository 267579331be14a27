import { showsStackTraces } from '../config.js';
import { diskFullOr, UserError } from '../errors.js';

/** A message and exit code for any error: expected ones plainly, others with a hint to get details. */
export function describeError(raw: unknown): { message: string; exitCode: number } {
  // A full disk is the user's to fix, wherever the write was: said plainly, not as an internal error.
  const error = diskFullOr(raw);
  if (error instanceof UserError) return { message: error.message, exitCode: 1 };
  const message = error instanceof Error ? error.message : String(error);
  if (showsStackTraces() && error instanceof Error) return { message: `${message}\n${error.stack}`, exitCode: 1 };
  return { message: `${message} (unexpected; run with LOG_LEVEL=debug for details)`, exitCode: 1 };
}
