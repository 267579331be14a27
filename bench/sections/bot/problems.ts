import { createLogger, type Logger } from '../../../src/log.js';

/** A logger that keeps warnings and errors, to report failed interactions. */
export function keepingLogger(): { log: Logger; problems: () => string[] } {
  const lines: string[] = [];
  const log = createLogger({ level: 'warn', destination: { write: (line: string) => lines.push(line) } });
  return {
    log,
    problems: () =>
      lines.map((line) => {
        const parsed = JSON.parse(line) as { level: number; msg?: string; err?: { message?: string } };
        return `${parsed.level >= 50 ? 'error' : 'warn'}: ${parsed.msg ?? ''}${parsed.err?.message ? ` (${parsed.err.message})` : ''}`;
      }),
  };
}

/** Identical lines once, with their count. */
export function summarize(lines: string[]): string {
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
  return [...counts].map(([line, n]) => `${n}× ${line}`).join('; ');
}

