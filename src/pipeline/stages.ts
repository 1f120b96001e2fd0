import { z } from 'zod';
import { EvaluationSchema, ValidatedEvaluationSchema, type ValidatedEvaluation } from '../model/evaluation.js';
import { ParsedBlockSchema } from '../model/parsed.js';
import { BlockSchema, ExtractedDocumentSchema, type ExtractedDocument, type Row } from '../model/table.js';
import { normalize } from '../normalize/normalize.js';
import { inferYears } from '../normalize/years.js';
import { parseBlock } from '../parse/parse.js';
import { segment } from '../segment/segment.js';
import { validate } from '../validate/validate.js';

export type Stage = 'extract' | 'segment' | 'parse' | 'normalize' | 'validate';

/** A stage produced output its schema refuses: a bug in that stage, named with the field. */
export class StageError extends Error {
  override readonly name = 'StageError';
  constructor(readonly stage: Stage, error: z.ZodError) {
    const issue = error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join('.') : '(the whole output)';
    super(`${stage} stage output fails its schema at ${where}: ${issue.message}`);
  }
}

/** `value` checked against the schema of `stage`'s output; the schema's parsed copy is returned. */
export function checked<S extends z.ZodType>(stage: Stage, schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new StageError(stage, result.error);
  return result.data;
}

/**
 * segment's own output: the blocks it groups the rows into. The rows are extract's output,
 * checked at that boundary already, and segment hands on the same objects: they are not walked
 * a second time for every block.
 */
const SegmentedBlockSchema = BlockSchema.extend({ rows: z.array(z.custom<Row>()) });

/**
 * segment → parse → normalize → validate over one extracted document. Every record leaving the
 * stages is checked against its schema; when one fails, each boundary it passed — extract's rows,
 * segment's block, parse's, normalize's and validate's output — is checked in turn, so the failure
 * names the first stage whose output broke its schema, and where. (Checking every boundary of
 * every record up front cost a quarter of the text path's time, for failures that show at the end
 * anyway.)
 */
export function evaluate(doc: ExtractedDocument, source: string): ValidatedEvaluation[] {
  const blocks = segment(doc);
  const evaluations = blocks.map((block) => {
    const parsed = parseBlock(block);
    const normalized = normalize(parsed);
    const validated = validate(normalized);
    if (!ValidatedEvaluationSchema.safeParse(validated).success) {
      checked('extract', ExtractedDocumentSchema, doc);
      checked('segment', SegmentedBlockSchema, block);
      checked('parse', ParsedBlockSchema, parsed);
      checked('normalize', EvaluationSchema, normalized);
      checked('validate', ValidatedEvaluationSchema, validated); // throws: this one failed
    }
    return validated;
  });
  if (evaluations.every((e) => e.year !== null)) return evaluations;
  // The years forms do not print, from the rest of the document (segment hands on its row objects).
  const inBlocks = new Set(blocks.flatMap((b) => b.rows));
  const outside = doc.rows.filter((r) => !inBlocks.has(r)).map((r) => r.cells.filter((c) => c !== '').join(' ')).filter((t) => t !== '');
  const dated = inferYears(evaluations, { outside, source });
  // A record the step changed is checked again (its year and flag are normalize's).
  dated.forEach((e, k) => { if (e !== evaluations[k]) checked('normalize', ValidatedEvaluationSchema, e); });
  return dated;
}
