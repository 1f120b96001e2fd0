import type Database from 'better-sqlite3';
import { z } from 'zod';
import { FUNDING_LINE_NAMES } from '../form/columns.js';
import { FundingLineCodeSchema, type FundingLineCode } from '../model/parsed.js';
import { readRows, StoredFlagRowSchema, StoredFundingRowSchema, StoredIndicatorRowSchema, type StoredFlagRow, type StoredFundingRow, type StoredIndicatorRow } from '../model/stored.js';
import { compare, type ComparisonRow } from '../query/compare.js';
import { fallsShort } from '../query/shortfall.js';
import { PIPELINE_VERSION } from '../version.js';
import { barChart, esc } from './svg.js';
import { REPORT_SCRIPT, REPORT_STYLE } from './assets.js';

const ProjectRowSchema = z.object({
  id: z.number().int(), project_name: z.string().nullable(), title: z.string().nullable(), dept: z.string(),
  implementing_unit: z.string().nullable(), year: z.number().int().nullable(), total_weight: z.number().nullable(),
  total_score: z.number().nullable(), total_score_raw: z.string().nullable(), confidence: z.string(), source: z.string(),
  line_start: z.number().int(), line_end: z.number().int(), page_start: z.number().int().nullable(), page_end: z.number().int().nullable(),
  goal_expected: z.string().nullable(), goal_actual: z.string().nullable(), full_year_yuan: z.number().nullable(),
  executed_yuan: z.number().nullable(), rate: z.number().nullable(),
});
type ProjectRow = z.infer<typeof ProjectRowSchema>;
type IndicatorRow = StoredIndicatorRow;
type FundingRow = StoredFundingRow;
type FlagRow = StoredFlagRow;

const money = (n: number | null) => (n === null ? '—' : n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
const pct = (n: number | null) => (n === null ? '—' : `${(n * 100).toFixed(2)}%`);
const show = (v: string | number | null) => (v === null ? '—' : esc(v));
const lineName = (line: string) => FUNDING_LINE_NAMES[line as FundingLineCode] ?? line;

function groupBy<T extends { evaluation_id: number }>(rows: readonly T[]): Map<number, T[]> {
  const map = new Map<number, T[]>();
  for (const r of rows) {
    const list = map.get(r.evaluation_id);
    if (list) list.push(r);
    else map.set(r.evaluation_id, [r]);
  }
  return map;
}

function charts(rows: readonly ComparisonRow[]): string {
  const byRate = [...rows];
  return [
    barChart('执行率 (Σ全年执行数 ÷ Σ全年预算数)', byRate.map((r) => ({ label: r.group, value: r.execution_rate, text: pct(r.execution_rate) })), 1, '#2b6cb0'),
    barChart('平均自评分 (总分)', byRate.map((r) => ({ label: r.group, value: r.mean_score, text: r.mean_score === null ? '—' : String(r.mean_score) })), 100, '#2f855a'),
    barChart('未达标指标中仍得满分的比例', byRate.map((r) => ({
      label: r.group, value: r.shortfall_full_marks_share,
      text: r.shortfall_indicators === 0 ? '无未达标指标' : `${pct(r.shortfall_full_marks_share)} of ${r.shortfall_indicators}`,
    })), 1, '#c05621'),
  ].join('\n');
}

function projectDetail(p: ProjectRow, funding: readonly FundingRow[], indicators: readonly IndicatorRow[], flags: readonly FlagRow[]): string {
  const where = p.page_start !== null ? `pages ${p.page_start}–${p.page_end}` : `lines ${p.line_start}–${p.line_end}`;
  const fundingRows = funding.map((f) => `<tr><td>${esc(lineName(f.line))}</td><td class="num">${money(f.initial_yuan)}</td>`
    + `<td class="num">${money(f.full_year_yuan)}</td><td class="num">${money(f.executed_yuan)}</td><td class="num">${show(f.weight)}</td>`
    + `<td class="num">${pct(f.rate)}</td><td class="num">${show(f.score)}</td></tr>`).join('');
  const indicatorRows = indicators.map((i) => {
    const short = fallsShort(i) === true;
    return `<tr class="${short ? 'shortfall' : ''}"><td class="num">${i.seq}</td><td>${show(i.level1)}</td><td>${show(i.level2)}</td>`
      + `<td>${show(i.name)}</td><td>${show(i.target)}</td><td>${show(i.actual)}${short ? ' <span class="tag">未达标</span>' : ''}</td>`
      + `<td class="num">${show(i.weight)}</td><td class="num">${show(i.score)}</td><td>${show(i.deviation)}</td>`
      + `<td class="num">${i.page !== null ? `p.${i.page} ` : ''}L${i.line}</td></tr>`;
  }).join('');
  const flagItems = flags.length === 0 ? '<li>none</li>'
    : flags.map((f) => `<li class="sev-${esc(f.severity)}"><b>${esc(f.severity)}</b> ${esc(f.code)}${f.indicator_seq === null ? '' : ` (#${f.indicator_seq})`}: ${esc(f.message)}</li>`).join('');
  return `<div class="detail-body">
<p class="source">Source: <code>${esc(p.source)}</code>, ${where} · block title: ${show(p.title)} · 实施单位: ${show(p.implementing_unit)}</p>
<p><b>预期目标</b> ${show(p.goal_expected)}</p><p><b>实际完成情况</b> ${show(p.goal_actual)}</p>
<table class="inner"><thead><tr><th>资金</th><th>年初预算数(元)</th><th>全年预算数(元)</th><th>全年执行数(元)</th><th>分值</th><th>执行率</th><th>得分</th></tr></thead><tbody>${fundingRows}</tbody></table>
<table class="inner"><thead><tr><th>#</th><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>年度指标值</th><th>实际完成值</th><th>分值</th><th>得分</th><th>偏差原因</th><th>出处</th></tr></thead><tbody>${indicatorRows}</tbody></table>
<ul class="flags">${flagItems}</ul></div>`;
}

/**
 * The report page: one self-contained HTML file (inline CSS, SVG charts and a small script;
 * nothing fetched) with the department comparison and a searchable, sortable table of every
 * project whose rows open to show funding, indicators (short-falls marked), flags and source.
 */
export function buildReport(db: Database.Database, generatedAt = new Date()): string {
  const departments = compare(db, { by: 'department', sort: 'rate' });
  const projects = readRows('evaluations', ProjectRowSchema, db.prepare(`SELECT e.id, e.project_name, e.title, coalesce(e.supervising_dept, e.budget_unit, '(unknown)') AS dept,
      e.implementing_unit, e.year, e.total_weight, e.total_score, e.total_score_raw, e.confidence, d.source, e.line_start, e.line_end,
      e.page_start, e.page_end, e.goal_expected, e.goal_actual, f.full_year_yuan, f.executed_yuan, f.rate
    FROM evaluations e JOIN documents d ON d.id = e.document_id
    LEFT JOIN funding f ON f.evaluation_id = e.id AND f.line = 'total'
    ORDER BY dept, e.project_name`).all());
  const order = FundingLineCodeSchema.options.map((line, i) => `WHEN '${line}' THEN ${i}`).join(' ');
  const funding = groupBy(readRows('funding', StoredFundingRowSchema, db.prepare(`SELECT * FROM funding ORDER BY evaluation_id, CASE line ${order} END`).all()));
  const indicators = groupBy(readRows('indicators', StoredIndicatorRowSchema, db.prepare('SELECT * FROM indicators ORDER BY evaluation_id, seq').all()));
  const flags = groupBy(readRows('flags', StoredFlagRowSchema, db.prepare('SELECT evaluation_id, indicator_seq, code, severity, message FROM flags ORDER BY evaluation_id, id').all()));

  const bodies = projects.map((p) => {
    const inds = indicators.get(p.id) ?? [];
    const shortfalls = inds.filter((i) => fallsShort(i) === true).length;
    const search = [p.project_name, p.dept, p.implementing_unit, p.source].filter(Boolean).join(' ');
    return `<tbody class="project" data-search="${esc(search)}">
<tr class="summary" tabindex="0">
<td data-sort="${esc(p.project_name ?? '')}">${show(p.project_name)}</td><td data-sort="${esc(p.dept)}">${esc(p.dept)}</td>
<td class="num" data-sort="${p.year ?? ''}">${show(p.year)}</td>
<td class="num" data-sort="${p.full_year_yuan ?? ''}">${money(p.full_year_yuan)}</td>
<td class="num" data-sort="${p.rate ?? ''}">${pct(p.rate)}</td>
<td class="num" data-sort="${p.total_score ?? ''}">${p.total_score === null ? show(p.total_score_raw) : p.total_score}</td>
<td class="num" data-sort="${shortfalls}">${shortfalls}</td>
<td data-sort="${{ high: 0, medium: 1, low: 2 }[p.confidence] ?? 3}"><span class="conf conf-${esc(p.confidence)}">${esc(p.confidence)}</span></td>
</tr>
<tr class="detail" hidden><td colspan="8">${projectDetail(p, funding.get(p.id) ?? [], inds, flags.get(p.id) ?? [])}</td></tr>
</tbody>`;
  }).join('\n');

  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>zipin report — 项目支出绩效自评</title><style>${REPORT_STYLE}</style></head>
<body>
<header><h1>项目支出绩效自评 — zipin report</h1>
<p>${projects.length} projects from ${departments.length} departments · generated ${esc(generatedAt.toISOString())} by zipin ${esc(PIPELINE_VERSION)}.
Money in 元; execution rate = Σ全年执行数 ÷ Σ全年预算数 of each form's 年度资金总额 line; a short-fall is an indicator whose actual value misses a comparable target.</p></header>
<section id="charts"><h2>Departments</h2>${charts(departments)}</section>
<section id="projects"><h2>Projects</h2>
<label>Search <input id="search" type="search" placeholder="项目名称、部门、文件…" autocomplete="off"></label> <span id="count"></span>
<table id="project-table"><thead><tr>
<th data-type="text">项目名称</th><th data-type="text">主管部门</th><th data-type="num">年度</th><th data-type="num">全年预算(元)</th>
<th data-type="num">执行率</th><th data-type="num">自评总分</th><th data-type="num">未达标指标</th><th data-type="num">可信度</th>
</tr></thead>
${bodies}
</table></section>
<script>${REPORT_SCRIPT}</script>
</body></html>
`;
}
