import type { ComparisonRow } from '../query/compare.js';
import { BOM, toCsv } from '../export/csv.js';
import { renderTable } from './text-width.js';

export const COMPARISON_KEYS = [
  'group', 'projects', 'budget_yuan', 'executed_yuan', 'execution_rate', 'mean_score', 'min_score',
  'shortfall_indicators', 'shortfall_full_marks_share', 'low_confidence_share',
] as const satisfies ReadonlyArray<keyof ComparisonRow>;

const yuan = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percent = (n: number | null) => (n === null ? '—' : `${(n * 100).toFixed(2)}%`);
const num = (n: number | null) => (n === null ? '—' : String(n));

export function formatComparison(rows: readonly ComparisonRow[], format: 'table' | 'csv' | 'json', groupLabel: string): string {
  if (format === 'json') return JSON.stringify(rows, COMPARISON_KEYS as unknown as string[], 2);
  if (format === 'csv') return BOM + toCsv(COMPARISON_KEYS, rows as unknown as Array<Record<string, unknown>>);
  return renderTable(
    [
      { header: groupLabel, max: 36 }, { header: '项目数', align: 'right' }, { header: '全年预算(元)', align: 'right' },
      { header: '全年执行(元)', align: 'right' }, { header: '执行率', align: 'right' }, { header: '平均自评分', align: 'right' },
      { header: '最低分', align: 'right' }, { header: '未达标指标', align: 'right' }, { header: '其中满分', align: 'right' },
      { header: '低可信度', align: 'right' },
    ],
    rows.map((r) => [
      r.group, String(r.projects), yuan(r.budget_yuan), yuan(r.executed_yuan), percent(r.execution_rate), num(r.mean_score),
      num(r.min_score), String(r.shortfall_indicators), percent(r.shortfall_full_marks_share), percent(r.low_confidence_share),
    ]),
  );
}
