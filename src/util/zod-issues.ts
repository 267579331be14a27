import type { z } from 'zod';

type Issue = z.ZodError['issues'][number];

/** `field.path: message`; `whole` names the value itself when the issue is about all of it. */
export function formatIssue(issue: Issue, whole = 'value'): string {
  return `${issue.path.join('.') || whole}: ${issue.message}`;
}

/** Every issue on one line, so a user can fix them all at once. */
export function describeZodError(error: z.ZodError, whole = 'value'): string {
  return error.issues.map((issue) => formatIssue(issue, whole)).join('; ');
}
