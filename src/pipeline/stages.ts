import { z } from 'zod';
import { EvaluationSchema, ValidatedEvaluationSchema, type ValidatedEvaluation } from '../model/evaluation.js';
import { ParsedBlockSchema } from '../model/parsed.js';
import { BlockSchema, ExtractedDocumentSchema, type ExtractedDocument, type Row } from '../model/table.js';
import { normalize } from '../normalize/normalize.js';
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

/** What extract made of a document, checked at the boundary to the other stages. */
export function checkedExtraction(doc: ExtractedDocument): ExtractedDocument {
  return checked('extract', ExtractedDocumentSchema, doc);
}

/**
 * segment → parse → normalize → validate over one extracted document, each stage's output
 * checked against its zod schema at the boundary, so that a failure says which stage broke and
 * where in its output.
 */
export function evaluate(doc: ExtractedDocument): ValidatedEvaluation[] {
  return segment(doc).map((block) => {
    const b = checked('segment', SegmentedBlockSchema, block);
    const parsed = checked('parse', ParsedBlockSchema, parseBlock(b));
    const normalized = checked('normalize', EvaluationSchema, normalize(parsed));
    return checked('validate', ValidatedEvaluationSchema, validate(normalized));
  });
}
