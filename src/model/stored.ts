import { z } from 'zod';

/**
 * Rows as the dataset's queries read them back from SQLite: parsed by these schemas, not cast,
 * so a database written by another version (or edited by hand) fails with the column it lacks.
 */
const num = z.number().nullable();
const text = z.string().nullable();

/** The columns a short-fall judgement needs. */
export const ComparableRowSchema = z.object({
  target_op: text, target_value: num, target_unit: text, actual_op: text, actual_value: num, actual_unit: text,
});

export const StoredFundingRowSchema = z.object({
  evaluation_id: z.number().int(), line: z.string(), initial_yuan: num, full_year_yuan: num, executed_yuan: num,
  weight: num, rate: num, rate_raw: text, score: num,
});
export type StoredFundingRow = z.infer<typeof StoredFundingRowSchema>;

export const StoredIndicatorRowSchema = ComparableRowSchema.extend({
  evaluation_id: z.number().int(), seq: z.number().int(), line: z.number().int(), page: num, level1: text, level1_points: num,
  level1_code: text, level2: text, level2_code: text, name: text, target: text, actual: text, weight: num, score: num, deviation: text,
});
export type StoredIndicatorRow = z.infer<typeof StoredIndicatorRowSchema>;

export const StoredFlagRowSchema = z.object({
  evaluation_id: z.number().int(), indicator_seq: num, code: z.string(), severity: z.enum(['info', 'warn', 'error']), message: z.string(),
});
export type StoredFlagRow = z.infer<typeof StoredFlagRowSchema>;

/** Rows of a query, each parsed by `schema`; a failure names the query's table and the column. */
export function readRows<S extends z.ZodType>(what: string, schema: S, rows: unknown[]): Array<z.infer<S>> {
  const parsed = z.array(schema).safeParse(rows);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new Error(`${what}: row ${String(issue.path[0])} column ${issue.path.slice(1).join('.') || '?'}: ${issue.message}`);
}
