import { randomBytes } from 'node:crypto';

/** An id the user can quote to the bot's admin; the details stay in the log under it. */
export function newIncidentId(): string {
  return randomBytes(4).toString('hex');
}
