import type Database from 'better-sqlite3';
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { ComparableRowSchema, readRows } from '../model/stored.js';
import { fallsShort } from './shortfall.js';

export type GroupBy = 'department' | 'unit' | 'year';
export type SortBy = 'rate' | 'score' | 'gap';

/** One row of `zipin compare`; keys are fixed (other tools read the JSON). */
export interface ComparisonRow {
  group: string;
  projects: number;
  budget_yuan: number;
  executed_yuan: number;
  /** Σ executed ÷ Σ full-year budget, as a fraction of 1; null without a budget. */
  execution_rate: number | null;
  mean_score: number | null;
  min_score: number | null;
  shortfall_indicators: number;
  /** Of the short-falling indicators, the share still given full marks; null when there are none. */
  shortfall_full_marks_share: number | null;
  low_confidence_share: number;
}

const GROUP_SQL: Record<GroupBy, string> = {
  // 主管部门, or 一级预算单位 where the form has none (2022-style forms).
  department: "coalesce(e.supervising_dept, e.budget_unit, '(unknown)')",
  unit: "coalesce(e.implementing_unit, e.supervising_dept, e.budget_unit, '(unknown)')",
  year: "coalesce(CAST(e.year AS TEXT), '(unknown)')",
};

const EvaluationRowSchema = z.object({
  id: z.number().int(), grp: z.string(), total_score: z.number().nullable(), confidence: z.string(),
  full_year_yuan: z.number().nullable(), executed_yuan: z.number().nullable(),
});
type EvaluationRow = z.infer<typeof EvaluationRowSchema>;

const IndicatorRowSchema = ComparableRowSchema.extend({
  evaluation_id: z.number().int(), weight: z.number().nullable(), score: z.number().nullable(),
});

/** Sums of REAL columns done in decimal: the stored doubles are exact decimals printed shortest. */
const dec = (n: number | null) => new Decimal(n ?? 0);
const ratio = (a: Decimal, b: Decimal, places = 6) => (b.isZero() ? null : a.dividedBy(b).toDecimalPlaces(places).toNumber());

/**
 * Departments (or implementing units, or years) compared on what their own forms say: money
 * from each evaluation's 年度资金总额 line, self-scores from 总分, short-falls from indicators.
 */
export function compare(db: Database.Database, options: { by: GroupBy; year?: number; sort: SortBy }): ComparisonRow[] {
  const where = options.year === undefined ? '' : 'WHERE e.year = @year';
  const params = options.year === undefined ? {} : { year: options.year };
  const evaluations = readRows('evaluations', EvaluationRowSchema, db.prepare(`SELECT e.id, ${GROUP_SQL[options.by]} AS grp, e.total_score, e.confidence,
      f.full_year_yuan, f.executed_yuan
    FROM evaluations e LEFT JOIN funding f ON f.evaluation_id = e.id AND f.line = 'total' ${where}`).all(params));
  const indicators = readRows('indicators', IndicatorRowSchema, db.prepare(`SELECT i.evaluation_id, i.target_op, i.target_value, i.target_unit,
      i.actual_op, i.actual_value, i.actual_unit, i.weight, i.score
    FROM indicators i JOIN evaluations e ON e.id = i.evaluation_id ${where}`).all(params));

  const groupOf = new Map(evaluations.map((e) => [e.id, e.grp]));
  const groups = new Map<string, { evaluations: EvaluationRow[]; shortfalls: number; fullMarks: number }>();
  for (const e of evaluations) {
    let g = groups.get(e.grp);
    if (!g) groups.set(e.grp, (g = { evaluations: [], shortfalls: 0, fullMarks: 0 }));
    g.evaluations.push(e);
  }
  for (const i of indicators) {
    if (fallsShort(i) !== true) continue;
    const g = groups.get(groupOf.get(i.evaluation_id)!)!;
    g.shortfalls++;
    if (i.weight !== null && i.score !== null && i.weight > 0 && i.score >= i.weight) g.fullMarks++;
  }

  const rows = [...groups.entries()].map(([group, g]): ComparisonRow => {
    const budget = g.evaluations.reduce((s, e) => s.plus(dec(e.full_year_yuan)), new Decimal(0));
    const executed = g.evaluations.reduce((s, e) => s.plus(dec(e.executed_yuan)), new Decimal(0));
    const scores = g.evaluations.map((e) => e.total_score).filter((s): s is number => s !== null);
    const scoreSum = scores.reduce((s, x) => s.plus(x), new Decimal(0));
    return {
      group,
      projects: g.evaluations.length,
      budget_yuan: budget.toNumber(),
      executed_yuan: executed.toNumber(),
      execution_rate: ratio(executed, budget),
      mean_score: scores.length === 0 ? null : scoreSum.dividedBy(scores.length).toDecimalPlaces(4).toNumber(),
      min_score: scores.length === 0 ? null : Math.min(...scores),
      shortfall_indicators: g.shortfalls,
      shortfall_full_marks_share: ratio(new Decimal(g.fullMarks), new Decimal(g.shortfalls), 4),
      low_confidence_share: ratio(new Decimal(g.evaluations.filter((e) => e.confidence === 'low').length), new Decimal(g.evaluations.length), 4)!,
    };
  });
  return rows.sort(SORTS[options.sort]);
}

const nullsLast = (a: number | null, b: number | null, dir: 1 | -1) =>
  a === null ? (b === null ? 0 : 1) : b === null ? -1 : (a - b) * dir;

/** rate: lowest execution first; score: highest self-score first; gap: most full marks despite short-falls first. */
const SORTS: Record<SortBy, (a: ComparisonRow, b: ComparisonRow) => number> = {
  rate: (a, b) => nullsLast(a.execution_rate, b.execution_rate, 1) || a.group.localeCompare(b.group),
  score: (a, b) => nullsLast(a.mean_score, b.mean_score, -1) || a.group.localeCompare(b.group),
  gap: (a, b) => nullsLast(a.shortfall_full_marks_share, b.shortfall_full_marks_share, -1)
    || b.shortfall_indicators - a.shortfall_indicators || a.group.localeCompare(b.group),
};
