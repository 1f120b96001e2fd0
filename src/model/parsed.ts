import { z } from 'zod';
import { FlagSchema } from './flag.js';

/**
 * The parser's output: every printed value put back in its true column, still as printed text
 * (whitespace collapsed, HTML stripped). Numbers and units are the normaliser's job.
 */
/** 年度资金总额, 财政拨款, 财政专户管理资金, 单位资金, 上年结转, 其他资金. */
export const FundingLineCodeSchema = z.enum(['total', 'appropriation', 'special', 'unit', 'carryover', 'other']);
export type FundingLineCode = z.infer<typeof FundingLineCodeSchema>;

/** Where a form prints its money unit: beside the funding lines, in a header cell, on a 单位：万元 line. */
export const MoneyUnitSourceSchema = z.enum(['side_label', 'header_cell', 'unit_line']);

/** The money unit as read off the form, before the form's own numbers test it (normalize). */
export const MoneyUnitReadingSchema = z.object({
  /** 元 or 万元; null when the form prints none that could be read. */
  unit: z.enum(['元', '万元']).nullable(),
  source: MoneyUnitSourceSchema.nullable(),
  /** The cell it was read from — or, with no unit, a funding label that seems to hold one, as read (资金情况完)). */
  label: z.string().nullable(),
  /** Read by OCR with a character the recogniser was unsure of. */
  unsure: z.boolean(),
});
export type MoneyUnitReading = z.infer<typeof MoneyUnitReadingSchema>;

export const ParsedFundingLineSchema = z.object({
  line: FundingLineCodeSchema,
  label: z.string(),
  initial: z.string().nullable(),
  fullYear: z.string().nullable(),
  executed: z.string().nullable(),
  weight: z.string().nullable(),
  rate: z.string().nullable(),
  score: z.string().nullable(),
});
export type ParsedFundingLine = z.infer<typeof ParsedFundingLineSchema>;

export const ParsedIndicatorSchema = z.object({
  /** Source row of the indicator (provenance). */
  line: z.number().int().positive(),
  page: z.number().int().positive().nullable(),
  level1: z.string().nullable(),
  level1Points: z.string().nullable(),
  level2: z.string().nullable(),
  name: z.string().nullable(),
  target: z.string().nullable(),
  actual: z.string().nullable(),
  /** The row's 度量单位 column (forms that print the target's unit apart): the unit of a bare actual too. */
  unit: z.string().nullable(),
  weight: z.string().nullable(),
  score: z.string().nullable(),
  deviation: z.string().nullable(),
});
export type ParsedIndicator = z.infer<typeof ParsedIndicatorSchema>;

export const ParsedBlockSchema = z.object({
  blockIndex: z.number().int().nonnegative(),
  title: z.string().nullable(),
  lineStart: z.number().int().positive(),
  lineEnd: z.number().int().positive(),
  pageStart: z.number().int().positive().nullable(),
  pageEnd: z.number().int().positive().nullable(),
  header: z.object({
    projectName: z.string().nullable(),
    projectCode: z.string().nullable(),
    projectAmount: z.string().nullable(),
    supervisingDept: z.string().nullable(),
    implementingUnit: z.string().nullable(),
    budgetUnit: z.string().nullable(),
    year: z.string().nullable(),
  }),
  /** The money unit as the form prints it (see MoneyUnitReadingSchema). */
  moneyUnit: MoneyUnitReadingSchema,
  /** True when the funding header prints 执行率 (%). */
  ratePercentHeader: z.boolean(),
  funding: z.array(ParsedFundingLineSchema),
  goalExpected: z.string().nullable(),
  goalActual: z.string().nullable(),
  indicators: z.array(ParsedIndicatorSchema),
  totalWeight: z.string().nullable(),
  totalScore: z.string().nullable(),
  /** Repairs the parser made and rows it could not place. */
  flags: z.array(FlagSchema),
});
export type ParsedBlock = z.infer<typeof ParsedBlockSchema>;
