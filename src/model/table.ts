import { z } from 'zod';

/**
 * The format-neutral table model every extractor produces: a document is a list of rows,
 * each row a list of cell texts, with where it came from. Text files give one row per line;
 * the PDF extractor gives one row per rebuilt table row (with its page).
 */
export const RowSchema = z.object({
  /** 1-based line in the text file, or 1-based row index in a PDF's rebuilt text. */
  line: z.number().int().positive(),
  /** 1-based page for PDFs; null for text files. */
  page: z.number().int().positive().nullable(),
  cells: z.array(z.string()),
  /**
   * The cells are a table's own cells, rebuilt from a PDF's ruling lines or header columns: none
   * can have slid into a neighbouring column, as cells of a text export can.
   */
  ruled: z.boolean(),
});
export type Row = z.infer<typeof RowSchema>;

export const DocumentFormatSchema = z.enum(['text', 'pdf']);
export type DocumentFormat = z.infer<typeof DocumentFormatSchema>;

export const ExtractedDocumentSchema = z.object({
  format: DocumentFormatSchema,
  /** Page count for PDFs; null for text. */
  pages: z.number().int().nonnegative().nullable(),
  /** The text encoding that was detected (text files only). */
  encoding: z.string().nullable(),
  rows: z.array(RowSchema),
});
export type ExtractedDocument = z.infer<typeof ExtractedDocumentSchema>;

/** One 自评表 found in a document: its title and the rows from heading to 总分. */
export const BlockSchema = z.object({
  index: z.number().int().nonnegative(),
  title: z.string().nullable(),
  /** Year printed in the heading, e.g. "2021年大厅运营事务项目自评表" → 2021. */
  headingYear: z.number().int().nullable(),
  rows: z.array(RowSchema),
});
export type Block = z.infer<typeof BlockSchema>;
