import pino, { type Logger } from 'pino';

export type { Logger };

const REDACTED = '[redacted]';

/**
 * Structured JSON logs on stderr (stdout belongs to command output). Secret values are scrubbed
 * from every line, whatever field or message they hide in, not just from known keys.
 */
export function createLogger(options: { level?: string; secrets?: readonly (string | undefined)[]; destination?: pino.DestinationStream } = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 8);
  const scrub = (line: string) => secrets.reduce((text, secret) => text.split(secret).join(REDACTED), line);
  const destination = options.destination ?? pino.destination({ fd: 2, sync: true });
  const stream: pino.DestinationStream = secrets.length ? { write: (line: string) => destination.write(scrub(line)) } : destination;
  return pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      redact: { paths: ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization'], censor: REDACTED },
    },
    stream,
  );
}
