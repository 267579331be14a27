import { z } from 'zod';
import { parseArxivId } from './paper.js';

const nonEmpty = z.string().trim().min(1);
/** Only web links: no javascript:, data: or other schemes end up in a reply. */
export const webUrl = z
  .string()
  .url()
  .refine((url) => /^https?:\/\//i.test(url), 'must be an http(s) link');

/** The public JSONL shape of a paper, plus the optional enrichments paperscout itself writes. */
export const paperRecordSchema = z.object({
  // Ids travel in Discord button ids (100 characters at most), so they stay short and space-free.
  id: z.string().regex(/^[\w.:/-]{1,64}$/, 'must be 1-64 letters, digits or . _ : / -'),
  title: nonEmpty,
  abstract: nonEmpty,
  authors: z.array(z.string()).optional(),
  published: z.string().optional(),
  url: webUrl.optional(),
  upvotes: z.number().int().nonnegative().optional(),
  source: nonEmpty,
  arxivId: z
    .string()
    .refine((value) => parseArxivId(value) !== undefined, 'is not an arXiv id such as 2306.13575')
    .optional(),
  listings: z
    .array(z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), rank: z.number().int().positive() }))
    .optional(),
  aiSummary: z.string().optional(),
  githubUrl: webUrl.optional(),
  projectUrl: webUrl.optional(),
});

export type PaperRecord = z.infer<typeof paperRecordSchema>;

/** One line per problem: `field: message`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`).join('; ');
}
