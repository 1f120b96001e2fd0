import type { Comparison, ComparisonRow, GroupBy } from '../query/compare.js';
import { toCsv } from '../export/csv.js';
import { renderTable } from './text-width.js';

export const COMPARISON_KEYS = [
  'group', 'projects', 'withdrawn', 'fallback_projects', 'budget_yuan', 'executed_yuan', 'execution_rate', 'mean_score', 'min_score',
  'shortfall_indicators', 'shortfall_full_marks', 'shortfall_full_marks_share', 'low_confidence_share',
] as const satisfies ReadonlyArray<keyof ComparisonRow>;

const yuan = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percent = (n: number | null) => (n === null ? '—' : `${(n * 100).toFixed(2)}%`);
const score = (n: number | null) => (n === null ? '—' : n.toFixed(2));

export function formatComparison(rows: readonly ComparisonRow[], format: 'table' | 'csv' | 'json', groupLabel: string): string {
  if (format === 'json') return JSON.stringify(rows, COMPARISON_KEYS as unknown as string[], 2);
  // Standard output goes to a pipe or a file the user names: no BOM (a column named "\ufeffgroup" to the next tool).
  if (format === 'csv') return toCsv(COMPARISON_KEYS, rows as unknown as Array<Record<string, unknown>>);
  const fallbacks = rows.some((r) => r.fallback_projects > 0);
  return renderTable(
    [
      { header: groupLabel, max: 36 }, { header: '项目数', align: 'right' }, { header: '预算撤回', align: 'right' },
      { header: '全年预算(元)', align: 'right' }, { header: '全年执行(元)', align: 'right' }, { header: '执行率', align: 'right' },
      { header: '平均自评分', align: 'right' }, { header: '最低分', align: 'right' }, { header: '未达标指标', align: 'right' },
      { header: '未达标仍满分', align: 'right' }, { header: '满分占比', align: 'right' }, { header: '低可信度', align: 'right' },
    ],
    rows.map((r) => [
      `${r.group}${fallbacks && r.fallback_projects > 0 ? ` *${r.fallback_projects}` : ''}`, String(r.projects), String(r.withdrawn),
      yuan(r.budget_yuan), yuan(r.executed_yuan), percent(r.execution_rate), score(r.mean_score), score(r.min_score),
      String(r.shortfall_indicators), String(r.shortfall_full_marks), percent(r.shortfall_full_marks_share), percent(r.low_confidence_share),
    ]),
  );
}

/** What the table's reader needs to know beneath it: withdrawn budgets, the fallback grouping. */
export function comparisonNotes(comparison: Comparison, by: GroupBy): string {
  const notes = ['预算撤回: projects whose 全年预算 is 0 after a 年初预算 > 0 (flag budget_withdrawn), left out of 执行率 and scores.',
    '满分占比: the share of 未达标指标 still given full marks (得分 ≥ 分值).'];
  if (comparison.fallback > 0) {
    const what = by === 'unit' ? 'name no 实施单位: grouped under their 主管部门 (or 一级预算单位)' : 'name no 主管部门: grouped under their 一级预算单位';
    notes.push(`*N: ${comparison.fallback} of ${comparison.evaluations} forms ${what}; N of them in that row.`);
  }
  return `\n${notes.join('\n')}\n`;
}
