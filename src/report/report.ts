import type Database from 'better-sqlite3';
import { compare, type ComparisonRow } from '../query/compare.js';
import { fallsShort, type Comparable } from '../query/shortfall.js';
import { PIPELINE_VERSION } from '../version.js';
import { barChart, esc } from './svg.js';
import { REPORT_SCRIPT, REPORT_STYLE } from './assets.js';

interface ProjectRow {
  id: number;
  project_name: string | null;
  title: string | null;
  dept: string;
  implementing_unit: string | null;
  year: number | null;
  total_weight: number | null;
  total_score: number | null;
  total_score_raw: string | null;
  confidence: string;
  source: string;
  line_start: number;
  line_end: number;
  page_start: number | null;
  page_end: number | null;
  goal_expected: string | null;
  goal_actual: string | null;
  full_year_yuan: number | null;
  executed_yuan: number | null;
  rate: number | null;
}

interface IndicatorRow extends Comparable {
  evaluation_id: number;
  seq: number;
  line: number;
  page: number | null;
  level1: string | null;
  level2: string | null;
  name: string | null;
  target: string | null;
  actual: string | null;
  weight: number | null;
  score: number | null;
  deviation: string | null;
}

interface FundingRow {
  evaluation_id: number;
  line: string;
  initial_yuan: number | null;
  full_year_yuan: number | null;
  executed_yuan: number | null;
  weight: number | null;
  rate: number | null;
  rate_raw: string | null;
  score: number | null;
}

interface FlagRow {
  evaluation_id: number;
  indicator_seq: number | null;
  code: string;
  severity: string;
  message: string;
}

const money = (n: number | null) => (n === null ? '—' : n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
const pct = (n: number | null) => (n === null ? '—' : `${(n * 100).toFixed(2)}%`);
const show = (v: string | number | null) => (v === null ? '—' : esc(v));
const LINE_NAMES: Record<string, string> = { total: '年度资金总额', appropriation: '当年财政拨款', carryover: '上年结转资金', other: '其他资金' };

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
  const fundingRows = funding.map((f) => `<tr><td>${esc(LINE_NAMES[f.line] ?? f.line)}</td><td class="num">${money(f.initial_yuan)}</td>`
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
  const projects = db.prepare(`SELECT e.id, e.project_name, e.title, coalesce(e.supervising_dept, e.budget_unit, '(unknown)') AS dept,
      e.implementing_unit, e.year, e.total_weight, e.total_score, e.total_score_raw, e.confidence, d.source, e.line_start, e.line_end,
      e.page_start, e.page_end, e.goal_expected, e.goal_actual, f.full_year_yuan, f.executed_yuan, f.rate
    FROM evaluations e JOIN documents d ON d.id = e.document_id
    LEFT JOIN funding f ON f.evaluation_id = e.id AND f.line = 'total'
    ORDER BY dept, e.project_name`).all() as ProjectRow[];
  const funding = groupBy(db.prepare('SELECT * FROM funding ORDER BY evaluation_id, CASE line WHEN \'total\' THEN 0 WHEN \'appropriation\' THEN 1 WHEN \'carryover\' THEN 2 ELSE 3 END').all() as FundingRow[]);
  const indicators = groupBy(db.prepare('SELECT * FROM indicators ORDER BY evaluation_id, seq').all() as IndicatorRow[]);
  const flags = groupBy(db.prepare('SELECT evaluation_id, indicator_seq, code, severity, message FROM flags ORDER BY evaluation_id, id').all() as FlagRow[]);

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
