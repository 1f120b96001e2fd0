import { z } from 'zod';
import { ConfidenceSchema, FlagSchema } from './flag.js';
import { FundingLineCodeSchema, MoneyUnitSourceSchema as PrintedUnitSourceSchema } from './parsed.js';

/** Where an evaluation's money unit came from: printed (a side label, a header cell, a 单位： line), found from the form's numbers, or assumed. */
export const MoneyUnitSourceSchema = z.enum([...PrintedUnitSourceSchema.options, 'inferred', 'default']);
export type MoneyUnitSource = z.infer<typeof MoneyUnitSourceSchema>;

/** Comparators of a quantitative indicator value; ≈ is "左右/约" (about). */
export const ComparatorSchema = z.enum(['≥', '≤', '>', '<', '=', '≈']);
export type Comparator = z.infer<typeof ComparatorSchema>;

export const Level1CodeSchema = z.enum(['output', 'effect', 'satisfaction', 'cost']);
export const Level2CodeSchema = z.enum([
  'quantity', 'quality', 'timeliness', 'cost', 'economic', 'social', 'ecological', 'sustainability', 'satisfaction',
]);
export type Level1Code = z.infer<typeof Level1CodeSchema>;
export type Level2Code = z.infer<typeof Level2CodeSchema>;

const money = z.number().finite().nullable();

export const FundingSchema = z.object({
  line: FundingLineCodeSchema,
  initialYuan: money,
  fullYearYuan: money,
  executedYuan: money,
  weight: z.number().finite().nullable(),
  /** Execution rate as a fraction of 1. */
  rate: z.number().finite().nullable(),
  rateRaw: z.string().nullable(),
  score: z.number().finite().nullable(),
});
export type Funding = z.infer<typeof FundingSchema>;

export const IndicatorSchema = z.object({
  seq: z.number().int().positive(),
  line: z.number().int().positive(),
  page: z.number().int().positive().nullable(),
  level1: z.string().nullable(),
  level1Points: z.number().finite().nullable(),
  level1Code: Level1CodeSchema.nullable(),
  level2: z.string().nullable(),
  level2Code: Level2CodeSchema.nullable(),
  name: z.string().nullable(),
  target: z.string().nullable(),
  targetOp: ComparatorSchema.nullable(),
  targetValue: z.number().finite().nullable(),
  targetUnit: z.string().nullable(),
  actual: z.string().nullable(),
  actualOp: ComparatorSchema.nullable(),
  actualValue: z.number().finite().nullable(),
  actualUnit: z.string().nullable(),
  weight: z.number().finite().nullable(),
  score: z.number().finite().nullable(),
  deviation: z.string().nullable(),
});
export type Indicator = z.infer<typeof IndicatorSchema>;

export const EvaluationSchema = z.object({
  blockIndex: z.number().int().nonnegative(),
  title: z.string().nullable(),
  projectName: z.string().nullable(),
  projectCode: z.string().nullable(),
  projectAmountYuan: money,
  supervisingDept: z.string().nullable(),
  implementingUnit: z.string().nullable(),
  budgetUnit: z.string().nullable(),
  year: z.number().int().nullable(),
  moneyUnit: z.enum(['元', '万元']),
  moneyUnitSource: MoneyUnitSourceSchema,
  /** How sure the unit is: high (printed, and nothing on the form contradicts it), medium (read unsure, or found from the numbers), low (assumed, or contradicted). */
  moneyUnitConfidence: ConfidenceSchema,
  goalExpected: z.string().nullable(),
  goalActual: z.string().nullable(),
  totalWeight: z.number().finite().nullable(),
  totalScore: z.number().finite().nullable(),
  totalScoreRaw: z.string().nullable(),
  pageStart: z.number().int().positive().nullable(),
  pageEnd: z.number().int().positive().nullable(),
  lineStart: z.number().int().positive(),
  lineEnd: z.number().int().positive(),
  funding: z.array(FundingSchema),
  indicators: z.array(IndicatorSchema),
  flags: z.array(FlagSchema),
});
export type Evaluation = z.infer<typeof EvaluationSchema>;

/** An evaluation after validation: its flags are complete and its confidence is set. */
export const ValidatedEvaluationSchema = EvaluationSchema.extend({ confidence: ConfidenceSchema });
export type ValidatedEvaluation = z.infer<typeof ValidatedEvaluationSchema>;
