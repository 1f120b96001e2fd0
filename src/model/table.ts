import { z } from 'zod';

/**
 * Where one cell of a row stands in its table's grid. A merged cell's text is on its first row;
 * on the rows below it the cell is `continued` (empty text, same span). A horizontally merged
 * cell is one cell covering `cols` columns.
 */
export const CellSpanSchema = z.object({
  /** 0-based first grid column. */
  col: z.number().int().nonnegative(),
  /** Grid columns and rows the cell covers (1 when not merged); rows counted from the cell's first row. */
  cols: z.number().int().positive(),
  rows: z.number().int().positive(),
  /** The cell began on a row above; its text is there. */
  continued: z.boolean(),
  /** No rule closes the cell at its top / bottom: a page break cuts it and it goes on across the break. */
  openTop: z.boolean(),
  openBottom: z.boolean(),
  /** Its box on the page in points, top-left origin (PDF input), for drawing what the extractor saw. */
  box: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable(),
});
export type CellSpan = z.infer<typeof CellSpanSchema>;

/**
 * The format-neutral table model every extractor produces: a document is a list of rows, each
 * row its cells' texts and, where the reader knows them, each cell's span. Text files give one
 * row per line; the PDF extractor one row per rebuilt table row (with its page).
 */
export const RowSchema = z.object({
  /** 1-based line in the text file, or 1-based row index in a PDF's rebuilt text. */
  line: z.number().int().positive(),
  /** 1-based page for PDFs; null for text files. */
  page: z.number().int().positive().nullable(),
  cells: z.array(z.string()),
  /**
   * `exact`: the cells are the table's own (a ruled PDF's lattice, a spreadsheet, a Word or HTML
   * table), each with its span in `spans` — none can have slid into a neighbouring column.
   * `inferred`: cells cut from text (tab-separated lines, a PDF page without rules), which may
   * have slid, as the cells of a text export do.
   */
  positions: z.enum(['exact', 'inferred']),
  /** One per cell for exact rows; null for inferred ones. */
  spans: z.array(CellSpanSchema).nullable(),
  /** Which table of the document the spans' grid belongs to (rows of one table share a grid); null for inferred rows. */
  table: z.number().int().nonnegative().nullable(),
  /**
   * Rows read by OCR only: per cell, the recogniser's lowest character confidence (0–1; null for
   * a cell with nothing read). Absent where the text came from the file itself.
   */
  confidence: z.array(z.number().min(0).max(1).nullable()).optional(),
  /**
   * Rows read by OCR only: per cell, what the recogniser read where the cell's text was corrected
   * to the form's label or to a number (null where it was not). Absent where nothing was corrected.
   */
  recognised: z.array(z.string().nullable()).optional(),
  /** The page was stored turned (a /Rotate, a scan sideways or upside down): how far clockwise; it was read turned back. Absent when upright. */
  turned: z.union([z.literal(90), z.literal(180), z.literal(270)]).optional(),
});
export type Row = z.infer<typeof RowSchema>;

/** Below this OCR confidence a cell's reading is uncertain: the record says so (flag ocr_uncertain). */
export const UNCERTAIN_OCR_CONFIDENCE = 0.8;

/** What a document was read as (by its bytes): text report, PDF, Excel 2007+ (.xlsx), Excel 97 (.xls, WPS .et), web page, Word (.docx), Word 97 (.doc, WPS .wps), a scanned image (.png, .jpg, .tif). */
export const DocumentFormatSchema = z.enum(['text', 'pdf', 'xlsx', 'xls', 'html', 'docx', 'doc', 'image', 'ofd']);
export type DocumentFormat = z.infer<typeof DocumentFormatSchema>;

export const ExtractedDocumentSchema = z.object({
  format: DocumentFormatSchema,
  /** Page count for PDFs and images (a TIFF's pages), sheet count for workbooks; null for text and web pages. */
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
