import { z } from 'zod';

export const SeveritySchema = z.enum(['info', 'warn', 'error']);
export type Severity = z.infer<typeof SeveritySchema>;

/**
 * Every flag code zipin can raise. Repairs the parser or normaliser made are `info`;
 * the form breaking its own arithmetic is `warn`; data that cannot be trusted is `error`.
 */
export const FlagCodeSchema = z.enum([
  // repairs (parse / normalize)
  'column_shift',
  'duplicate_cell_merged',
  'html_stripped',
  'fraction_as_percent',
  'header_misaligned',
  'code_in_name',
  'format_mismatch',
  // rows the parser could not place, headers it could not classify
  'row_unplaced',
  'unknown_column',
  // the form's own rules (validate)
  'score_exceeds_weight',
  'level_weight_mismatch',
  'total_weight_mismatch',
  'total_score_mismatch',
  'total_unreadable',
  'rate_mismatch',
  'funding_lines_mismatch',
  'required_field_missing',
  'number_unreadable',
  'budget_withdrawn',
  // the money unit: not read (assumed, or found from the numbers), or contradicted by them
  'unit_assumed',
  'unit_inferred',
  'unit_contradicted',
  // the text itself
  'text_garbled',
  // read by OCR from a scan: every value as the recogniser read it; some it was unsure of
  'ocr',
  'ocr_uncertain',
  'ocr_corrected',
  // a page stored turned (/Rotate, a scan sideways or upside down), read upright
  'page_turned',
  // a form that prints no year: the year found elsewhere (its cells, its document, its file name), or none
  'year_inferred',
  'year_unknown',
]);
export type FlagCode = z.infer<typeof FlagCodeSchema>;

export const FlagSchema = z.object({
  code: FlagCodeSchema,
  severity: SeveritySchema,
  message: z.string().min(1),
  /** The indicator (1-based seq within its evaluation) the flag concerns, if any. */
  indicatorSeq: z.number().int().positive().nullable(),
});
export type Flag = z.infer<typeof FlagSchema>;

export const ConfidenceSchema = z.enum(['high', 'medium', 'low']);
export type Confidence = z.infer<typeof ConfidenceSchema>;

export function flag(
  code: FlagCode,
  severity: Severity,
  message: string,
  indicatorSeq: number | null = null,
): Flag {
  return { code, severity, message, indicatorSeq };
}
