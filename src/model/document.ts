import { z } from 'zod';
import { DocumentFormatSchema } from './table.js';
import { ValidatedEvaluationSchema } from './evaluation.js';

export const DocumentStatusSchema = z.enum(['ok', 'no_blocks', 'failed']);
export type DocumentStatus = z.infer<typeof DocumentStatusSchema>;

/** One input file as the documents table records it. */
export const DocumentRecordSchema = z.object({
  /** SHA-256 of the file's bytes; null only when the file could not be read at all. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  source: z.string().min(1),
  format: DocumentFormatSchema.nullable(),
  pages: z.number().int().nonnegative().nullable(),
  extractedAt: z.string(),
  pipelineVersion: z.string(),
  status: DocumentStatusSchema,
  error: z.string().nullable(),
  /** The URL it was downloaded from (crawl), null for local files. */
  url: z.string().nullable().default(null),
});
export type DocumentRecord = z.infer<typeof DocumentRecordSchema>;

/** What the pipeline makes of one file: the document row and every evaluation found in it. */
export const DocumentResultSchema = z.object({
  document: DocumentRecordSchema,
  evaluations: z.array(ValidatedEvaluationSchema),
});
export type DocumentResult = z.infer<typeof DocumentResultSchema>;
