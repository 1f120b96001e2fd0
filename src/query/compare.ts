import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { readRows } from '../model/stored.js';
import type { Reader } from '../store/reader.js';

export type GroupBy = 'department' | 'unit' | 'year';
export type SortBy = 'rate' | 'score' | 'gap';

/** One row of `zipin compare`; keys are fixed (other tools read the JSON). */
export interface ComparisonRow {
  group: string;
  projects: number;
  /** Projects whose budget was withdrawn during the year (flag budget_withdrawn): in no rate or mean below. */
  withdrawn: number;
  /** Projects placed here by the fallback column (no 实施单位 → 主管部门; no 主管部门 → 一级预算单位). */
  fallback_projects: number;
  budget_yuan: number;
  executed_yuan: number;
  /** Σ executed ÷ Σ full-year budget, as a fraction of 1; null without a budget. */
  execution_rate: number | null;
  /** Mean 总分 得分, two decimals. */
  mean_score: number | null;
  min_score: number | null;
  /** Indicators the judgements view calls short. */
  shortfall_indicators: number;
  /** Of those, the ones still given full marks (得分 ≥ 分值). */
  shortfall_full_marks: number;
  /** shortfall_full_marks ÷ shortfall_indicators; null when there are none. */
  shortfall_full_marks_share: number | null;
  low_confidence_share: number;
}

export interface Comparison {
  rows: ComparisonRow[];
  /** The years the dataset holds (to say what exists when --year matches nothing). */
  years: number[];
  /** All evaluations compared, and how many were grouped by the fallback column. */
  evaluations: number;
  fallback: number;
}

/** The group of an evaluation, and whether it came from the fallback column. */
const GROUP_SQL: Record<GroupBy, { group: string; fallback: string }> = {
  // 主管部门, or 一级预算单位 where the form has none (2022-style forms).
  department: {
    group: "coalesce(e.supervising_dept, e.budget_unit, '(unknown)')",
    fallback: 'e.supervising_dept IS NULL',
  },
  unit: {
    group: "coalesce(e.implementing_unit, e.supervising_dept, e.budget_unit, '(unknown)')",
    fallback: 'e.implementing_unit IS NULL',
  },
  year: { group: "coalesce(CAST(e.year AS TEXT), '(unknown)')", fallback: '1 = 0' },
};

const EvaluationRowSchema = z.object({
  id: z.number().int(), grp: z.string(), fallback: z.number().int(), total_score: z.number().nullable(), confidence: z.string(),
  full_year_yuan: z.number().nullable(), executed_yuan: z.number().nullable(), withdrawn: z.number().int(),
  shortfalls: z.number().int(), shortfall_full_marks: z.number().int(),
});
type EvaluationRow = z.infer<typeof EvaluationRowSchema>;

/** Sums of REAL columns done in decimal: the stored doubles are exact decimals printed shortest. */
const dec = (n: number | null) => new Decimal(n ?? 0);
const ratio = (a: Decimal, b: Decimal, places = 6) => (b.isZero() ? null : a.dividedBy(b).toDecimalPlaces(places).toNumber());

export interface CompareOptions {
  by: GroupBy;
  sort: SortBy;
  /** Only forms of this year. */
  year?: number;
  /** Only forms of this department (主管部门, or 一级预算单位 where the form names none): with --by year, its years side by side. */
  department?: string;
}

/**
 * Departments (or implementing units, or years) compared on what their own forms say: money
 * from each form's 年度资金总额 line, self-scores from 总分, short-falls from the dataset's
 * judgements view. Forms are counted, not files: of a form found in several files, the copy the
 * dataset counts (evaluations.counted). A withdrawn budget (0 to spend) says nothing of
 * spending: such projects are counted apart and left out of execution rates and scores.
 */
export async function compare(db: Reader, options: CompareOptions): Promise<Comparison> {
  const filters: string[] = [];
  const params: unknown[] = [];
  if (options.year !== undefined) {
    filters.push('e.year = ?');
    params.push(options.year);
  }
  if (options.department !== undefined) {
    filters.push(`${GROUP_SQL.department.group} = ?`);
    params.push(options.department);
  }
  const { group, fallback } = GROUP_SQL[options.by];
  const evaluations = readRows('evaluations', EvaluationRowSchema, await db.all(`SELECT e.id, ${group} AS grp, CASE WHEN ${fallback} THEN 1 ELSE 0 END AS fallback,
      e.total_score, e.confidence, f.full_year_yuan, f.executed_yuan,
      v.withdrawn, v.shortfalls, v.shortfall_full_marks
    FROM evaluations e JOIN evaluation_judgements v ON v.evaluation_id = e.id
    LEFT JOIN funding f ON f.evaluation_id = e.id AND f.line = 'total' ${filters.length ? `WHERE ${filters.join(' AND ')}` : ''}
    ORDER BY e.id`, ...params));
  const years = (await db.all('SELECT DISTINCT year FROM evaluations WHERE year IS NOT NULL AND counted = 1 ORDER BY year')).map((r) => Number(r.year));

  const groups = new Map<string, EvaluationRow[]>();
  for (const e of evaluations) groups.set(e.grp, [...(groups.get(e.grp) ?? []), e]);
  const rows = [...groups.entries()].map(([name, all]): ComparisonRow => {
    const counted = all.filter((e) => e.withdrawn === 0);
    const budget = counted.reduce((s, e) => s.plus(dec(e.full_year_yuan)), new Decimal(0));
    const executed = counted.reduce((s, e) => s.plus(dec(e.executed_yuan)), new Decimal(0));
    const scores = counted.map((e) => e.total_score).filter((s): s is number => s !== null);
    const scoreSum = scores.reduce((s, x) => s.plus(x), new Decimal(0));
    const shortfalls = all.reduce((n, e) => n + e.shortfalls, 0);
    const fullMarks = all.reduce((n, e) => n + e.shortfall_full_marks, 0);
    return {
      group: name,
      projects: all.length,
      withdrawn: all.length - counted.length,
      fallback_projects: all.filter((e) => e.fallback === 1).length,
      budget_yuan: budget.toNumber(),
      executed_yuan: executed.toNumber(),
      execution_rate: ratio(executed, budget),
      mean_score: scores.length === 0 ? null : scoreSum.dividedBy(scores.length).toDecimalPlaces(2).toNumber(),
      min_score: scores.length === 0 ? null : Math.min(...scores),
      shortfall_indicators: shortfalls,
      shortfall_full_marks: fullMarks,
      shortfall_full_marks_share: ratio(new Decimal(fullMarks), new Decimal(shortfalls), 4),
      low_confidence_share: ratio(new Decimal(all.filter((e) => e.confidence === 'low').length), new Decimal(all.length), 4)!,
    };
  });
  return {
    // Years read in their order (forms of no known year last); departments and units by --sort.
    rows: rows.sort(options.by === 'year' ? byYear : SORTS[options.sort]), years, evaluations: evaluations.length,
    fallback: evaluations.filter((e) => e.fallback === 1).length,
  };
}

const nullsLast = (a: number | null, b: number | null, dir: 1 | -1) =>
  a === null ? (b === null ? 0 : 1) : b === null ? -1 : (a - b) * dir;

/** Years in their order, the unknown last. */
const byYear = (a: ComparisonRow, b: ComparisonRow) => (a.group === '(unknown)' ? 1 : 0) - (b.group === '(unknown)' ? 1 : 0) || a.group.localeCompare(b.group);

/** rate: lowest execution first; score: highest self-score first; gap: most full marks despite short-falls first. */
const SORTS: Record<SortBy, (a: ComparisonRow, b: ComparisonRow) => number> = {
  rate: (a, b) => nullsLast(a.execution_rate, b.execution_rate, 1) || a.group.localeCompare(b.group),
  score: (a, b) => nullsLast(a.mean_score, b.mean_score, -1) || a.group.localeCompare(b.group),
  gap: (a, b) => nullsLast(a.shortfall_full_marks_share, b.shortfall_full_marks_share, -1)
    || b.shortfall_indicators - a.shortfall_indicators || a.group.localeCompare(b.group),
};

/** A department (主管部门, or 一级预算单位 where the form names none) with its forms and implementing units. */
export interface Department {
  department: string;
  forms: number;
  units: number;
}

/** Every department of the dataset with its forms (counted copies) and units, most forms first. */
export async function departments(db: Reader): Promise<Department[]> {
  const rows = await db.all(`SELECT ${GROUP_SQL.department.group} AS department, count(*) AS forms,
      count(DISTINCT coalesce(e.implementing_unit, e.supervising_dept, e.budget_unit)) AS units
    FROM evaluations e WHERE e.counted = 1 GROUP BY 1 ORDER BY forms DESC, department`);
  return rows.map((r) => ({ department: String(r.department), forms: Number(r.forms), units: Number(r.units) }));
}

/**
 * The departments `--department NAME` means: the one named exactly, else every one whose name holds
 * NAME (大鹏 → 深圳市大鹏新区政务服务数据管理局), in the order `departments` gives them.
 */
export function matchDepartment(all: readonly Department[], name: string): Department[] {
  const exact = all.filter((d) => d.department === name);
  if (exact.length > 0) return exact;
  const needle = name.toLowerCase();
  return all.filter((d) => d.department.toLowerCase().includes(needle));
}

