import { z } from 'zod';
import { FlagSchema } from './flag.js';

/**
 * The parser's output: every printed value put back in its true column, still as printed text
 * (whitespace collapsed, HTML stripped). Numbers and units are the normaliser's job.
 */
/** 年度资金总额, 财政拨款, 财政专户管理资金, 单位资金, 上年结转, 其他资金. */
export const FundingLineCodeSchema = z.enum(['total', 'appropriation', 'special', 'unit', 'carryover', 'other']);
export type FundingLineCode = z.infer<typeof FundingLineCodeSchema>;

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
  /** 元 or 万元, from "项目资金 (元)" or "单位:万元". */
  moneyUnit: z.enum(['元', '万元']),
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
