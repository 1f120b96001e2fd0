import { z } from 'zod';
import { FUNDING_LINE_NAMES } from '../form/columns.js';
import { FundingLineCodeSchema, type FundingLineCode } from '../model/parsed.js';
import { readRows, StoredFlagRowSchema, StoredFundingRowSchema, StoredIndicatorRowSchema, type StoredFlagRow, type StoredFundingRow, type StoredIndicatorRow } from '../model/stored.js';
import { compare, type ComparisonRow } from '../query/compare.js';
import type { Reader } from '../store/reader.js';
import { PIPELINE_VERSION } from '../version.js';
import { barChart, esc, scatterPlot, type Axis, type Point } from './svg.js';
import { REPORT_SCRIPT, REPORT_STYLE } from './assets.js';

const ProjectRowSchema = z.object({
  id: z.number().int(), form_id: z.number().int().nullable(), project_name: z.string().nullable(), title: z.string().nullable(), dept: z.string(),
  implementing_unit: z.string().nullable(), year: z.number().int().nullable(), total_weight: z.number().nullable(),
  total_score: z.number().nullable(), total_score_raw: z.string().nullable(), confidence: z.string(), source: z.string(),
  line_start: z.number().int(), line_end: z.number().int(), page_start: z.number().int().nullable(), page_end: z.number().int().nullable(),
  goal_expected: z.string().nullable(), goal_actual: z.string().nullable(), full_year_yuan: z.number().nullable(),
  executed_yuan: z.number().nullable(), rate: z.number().nullable(), withdrawn: z.number().int(),
  judged: z.number().int(), shortfalls: z.number().int(), shortfall_full_marks: z.number().int(),
});
type ProjectRow = z.infer<typeof ProjectRowSchema>;
const JudgementRowSchema = z.object({ evaluation_id: z.number().int(), seq: z.number().int(), judgement: z.string(), full_marks: z.number().int(), why: z.string() });
type JudgementRow = z.infer<typeof JudgementRowSchema>;
/** One copy of a form (keyed by its form, as evaluation_id, for groupBy). */
const SourceRowSchema = z.object({
  evaluation_id: z.number().int(), source: z.string(), format: z.string().nullable(), counted: z.number().int(), current: z.number().int(),
  page_start: z.number().int().nullable(), page_end: z.number().int().nullable(), line_start: z.number().int(), line_end: z.number().int(),
});
type SourceRow = z.infer<typeof SourceRowSchema>;

const money = (n: number | null) => (n === null ? '—' : n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
const pct = (n: number | null, places = 2) => (n === null ? '—' : `${(n * 100).toFixed(places)}%`);
const score = (n: number | null) => (n === null ? '—' : n.toFixed(2));
const show = (v: string | number | null) => (v === null ? '—' : esc(v));
const lineName = (line: string) => FUNDING_LINE_NAMES[line as FundingLineCode] ?? line;
/** 2026-01-01 08:00 (UTC+8, the forms' time zone). */
const date = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

function groupBy<T extends { evaluation_id: number }>(rows: readonly T[]): Map<number, T[]> {
  const map = new Map<number, T[]>();
  for (const r of rows) {
    const list = map.get(r.evaluation_id);
    if (list) list.push(r);
    else map.set(r.evaluation_id, [r]);
  }
  return map;
}

/** Above each table that may be wider than the screen: shown by the page's script when it is (the table then scrolls sideways). */
const SCROLL_HINT = '<p class="scroll-hint" hidden>表格较宽：左右滑动查看 ⇆</p>';

/** An axis from a round value below the smallest one to `top`: differences near the top stay visible. */
function axisUpTo(values: readonly number[], top: number, step: number, tick: (v: number) => string): Axis {
  const low = Math.min(top - step, ...values);
  const start = Math.max(0, Math.floor((low - step / 5) / step) * step);
  return { domain: [start, top], ticks: Math.min(5, Math.round((top - start) / step)), tick };
}

function departmentCharts(rows: readonly ComparisonRow[]): string {
  const rates = rows.map((r) => r.execution_rate).filter((v): v is number => v !== null);
  const means = rows.map((r) => r.mean_score).filter((v): v is number => v !== null);
  return [
    barChart('执行率（Σ全年执行数 ÷ Σ全年预算数，不含预算撤回项目）', rows.map((r) => ({ label: r.group, value: r.execution_rate, text: pct(r.execution_rate) })),
      axisUpTo(rates, 1, 0.05, (v) => pct(v, 0)), '#2b6cb0'),
    barChart('平均自评分（总分，不含预算撤回项目）', rows.map((r) => ({ label: r.group, value: r.mean_score, text: score(r.mean_score) })),
      axisUpTo(means, 100, 5, (v) => String(Math.round(v))), '#2f855a'),
    barChart('未达标指标中仍得满分的比例（满分占比）', rows.map((r) => ({
      label: r.group, value: r.shortfall_full_marks_share,
      text: r.shortfall_indicators === 0 ? '无未达标指标' : `${pct(r.shortfall_full_marks_share)}（${r.shortfall_full_marks}/${r.shortfall_indicators}）`,
    })), { domain: [0, 1], ticks: 4, tick: (v) => pct(v, 0) }, '#c05621'),
  ].join('\n');
}

/**
 * Each department year by year: its forms' execution rate and mean self-score in each year the
 * dataset holds (compare --by year --department), so that a department's years stand side by side.
 */
async function yearView(db: Reader): Promise<string> {
  const { rows: departments, years } = await compare(db, { by: 'department', sort: 'rate' });
  const columns = [...years.map(String), '(unknown)'];
  const cells = await Promise.all(departments.map(async (d) => {
    const { rows } = await compare(db, { by: 'year', sort: 'rate', department: d.group });
    return new Map(rows.map((r) => [r.group, r]));
  }));
  const used = columns.filter((y) => cells.some((c) => c.has(y)));
  const head = used.map((y) => `<th>${y === '(unknown)' ? '年度不详' : `${esc(y)} 年`}</th>`).join('');
  const body = departments.map((d, k) => `<tr><td>${esc(d.group)}</td>${used.map((y) => {
    const r = cells[k]!.get(y);
    return r === undefined ? '<td class="num">—</td>'
      : `<td class="num" data-year="${esc(y)}">${pct(r.execution_rate)}<br><small>均分 ${score(r.mean_score)} · ${r.projects} 项</small></td>`;
  }).join('')}</tr>`).join('');
  // A chart for each department the dataset holds in more than one year: its years one under another.
  const charts = departments.map((d, k) => {
    const years = used.filter((y) => y !== '(unknown)' && cells[k]!.has(y)).map((y) => cells[k]!.get(y)!);
    return years.length < 2 ? '' : barChart(`${d.group}：逐年执行率`, years.map((r) => ({
      label: `${r.group} 年`, value: r.execution_rate, text: `${pct(r.execution_rate)} · 均分 ${score(r.mean_score)} · ${r.projects} 项`,
    })), axisUpTo(years.map((r) => r.execution_rate).filter((v): v is number => v !== null), 1, 0.05, (v) => pct(v, 0)), '#2b6cb0');
  }).join('');
  return `${SCROLL_HINT}<div class="scroll"><table id="year-table"><thead><tr><th>主管部门</th>${head}</tr></thead><tbody>${body}</tbody></table></div>
<p class="note">每格：该年各表“年度资金总额”行的 Σ全年执行数 ÷ Σ全年预算数，自评总分的平均值与项目数；同一张表见于多个文件时只计一次。</p>
${charts === '' ? '' : `<div class="year-charts">${charts}</div>`}`;
}

/** Self-score against the share of missed quantitative targets: high and right is "full marks while missing targets". */
function scoreCharts(projects: readonly ProjectRow[], departments: readonly string[]): string {
  const plotted = projects.filter((p) => p.withdrawn === 0 && p.judged > 0 && p.total_score !== null && p.total_weight);
  const point = (p: ProjectRow): Point => ({
    x: p.shortfalls / p.judged, y: (p.total_score! / p.total_weight!) * 100, marked: p.shortfall_full_marks > 0,
    label: `${p.project_name ?? '(无名称)'}：自评 ${score(p.total_score)}，未达标 ${p.shortfalls}/${p.judged} 项定量指标${p.shortfall_full_marks > 0 ? `，其中 ${p.shortfall_full_marks} 项仍得满分` : ''}`,
  });
  const yAxis = { ...axisUpTo(plotted.map((p) => (p.total_score! / p.total_weight!) * 100), 100, 10, (v: number) => String(Math.round(v))), name: '自评得分（满分 100）' };
  // Up to the largest share (in quarters, at least a half): most projects miss few of their targets.
  const widest = Math.max(0.5, Math.ceil(Math.max(0, ...plotted.map((p) => p.shortfalls / p.judged)) * 4) / 4);
  const xAxis = { domain: [0, widest] as const, ticks: Math.round(widest * 4), tick: (v: number) => pct(v, 0), name: '未达标定量指标占比' };
  const corner = { x: 0.25, y: 95, label: '高分而多项未达标' };
  const left = projects.length - plotted.length;
  const main = scatterPlot(`每个项目：自评分与未达标指标占比（${plotted.length} 个项目；红点：有未达标指标仍得满分）`, plotted.map(point), xAxis, yAxis, corner, 'large', 'score-chart');
  const small = departments.map((d) => {
    const mine = plotted.filter((p) => p.dept === d);
    return mine.length === 0 ? '' : scatterPlot(`${d}（${mine.length}）`, mine.map(point), xAxis, yAxis, corner, 'small');
  }).join('');
  return `${main}<p class="note">未画出 ${left} 个项目：没有可判定的定量指标，或预算撤回，或总分无法读取。</p><div class="small-multiples">${small}</div>`;
}

const placeOf = (r: { page_start: number | null; page_end: number | null; line_start: number; line_end: number }) =>
  (r.page_start !== null ? `第 ${r.page_start}–${r.page_end} 页` : `第 ${r.line_start}–${r.line_end} 行`);

/** Every file the form was found in: the copy counted first, then the others (a crawled file's older versions marked). */
function sourceList(sources: readonly SourceRow[]): string {
  if (sources.length <= 1) return '';
  const items = sources.map((s) => `<li><code>${esc(s.source)}</code>（${esc(s.format ?? '?')}，${placeOf(s)}）${s.counted === 1 ? ' <b>计入</b>' : s.current === 1 ? ' 副本' : ' 旧版本'}</li>`);
  return `<p class="source">同一张表见于 ${sources.length} 个文件，只计一次：</p><ul class="sources">${items.join('')}</ul>`;
}

function projectDetail(p: ProjectRow, funding: readonly StoredFundingRow[], indicators: readonly StoredIndicatorRow[],
  judgements: ReadonlyMap<number, JudgementRow>, flags: readonly StoredFlagRow[], sources: readonly SourceRow[]): string {
  const where = placeOf(p);
  const fundingRows = funding.map((f) => `<tr><td>${esc(lineName(f.line))}</td><td class="num">${money(f.initial_yuan)}</td>`
    + `<td class="num">${money(f.full_year_yuan)}</td><td class="num">${money(f.executed_yuan)}</td><td class="num">${show(f.weight)}</td>`
    + `<td class="num">${pct(f.rate)}</td><td class="num">${show(f.score)}</td></tr>`).join('');
  const indicatorRows = indicators.map((i) => {
    const j = judgements.get(i.seq);
    const short = j?.judgement === 'short';
    const kind = !short ? '' : j!.full_marks === 1 ? 'shortfall full-marks' : 'shortfall lost-points';
    const tag = !short ? '' : j!.full_marks === 1 ? ' <span class="tag tag-full">未达标·仍满分</span>' : ' <span class="tag tag-lost">未达标·已扣分</span>';
    return `<tr class="${kind}"${j ? ` title="${esc(j.why)}"` : ''}><td class="num">${i.seq}</td><td>${show(i.level1)}</td><td>${show(i.level2)}</td>`
      + `<td>${show(i.name)}</td><td>${show(i.target)}</td><td>${show(i.actual)}${tag}</td>`
      + `<td class="num">${show(i.weight)}</td><td class="num">${show(i.score)}</td><td>${show(i.deviation)}</td>`
      + `<td class="num">${i.page !== null ? `第${i.page}页 ` : ''}第${i.line}行</td></tr>`;
  }).join('');
  const flagItems = flags.length === 0 ? '<li>无</li>'
    : flags.map((f) => `<li class="sev-${esc(f.severity)}"><b>${esc(f.severity)}</b> ${esc(f.code)}${f.indicator_seq === null ? '' : `（#${f.indicator_seq}）`}：${esc(f.message)}</li>`).join('');
  return `<div class="detail-body">
<p class="source">来源：<code>${esc(p.source)}</code>，${where} · 表题：${show(p.title)} · 实施单位：${show(p.implementing_unit)}</p>
${sourceList(sources)}
<p><b>预期目标</b> ${show(p.goal_expected)}</p><p><b>实际完成情况</b> ${show(p.goal_actual)}</p>
${SCROLL_HINT}<div class="scroll"><table class="inner"><thead><tr><th>资金</th><th>年初预算数(元)</th><th>全年预算数(元)</th><th>全年执行数(元)</th><th>分值</th><th>执行率</th><th>得分</th></tr></thead><tbody>${fundingRows}</tbody></table></div>
${SCROLL_HINT}<div class="scroll"><table class="inner"><thead><tr><th>#</th><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>年度指标值</th><th>实际完成值</th><th>分值</th><th>得分</th><th>偏差原因分析</th><th>出处</th></tr></thead><tbody>${indicatorRows}</tbody></table></div>
<ul class="flags">${flagItems}</ul></div>`;
}

/**
 * The report page: one self-contained HTML file (inline CSS, SVG charts and a small script;
 * nothing fetched), in Chinese with the forms' own labels. It answers the two headline questions
 * on its own: who spent least of their budget (execution bars on a scale that shows the
 * differences), and who scored themselves full marks while missing targets (a chart of self-score
 * against missed targets, per project and per department, and a table column with its filter).
 */
export async function buildReport(db: Reader, generatedAt = new Date()): Promise<string> {
  const { rows: departments } = await compare(db, { by: 'department', sort: 'rate' });
  const projects = readRows('evaluations', ProjectRowSchema, await db.all(`SELECT e.id, e.form_id, e.project_name, e.title, coalesce(e.supervising_dept, e.budget_unit, '(unknown)') AS dept,
      e.implementing_unit, e.year, e.total_weight, e.total_score, e.total_score_raw, e.confidence, d.source, e.line_start, e.line_end,
      e.page_start, e.page_end, e.goal_expected, e.goal_actual, f.full_year_yuan, f.executed_yuan, f.rate,
      v.withdrawn, v.judged, v.shortfalls, v.shortfall_full_marks
    FROM evaluations e JOIN documents d ON d.id = e.document_id JOIN evaluation_judgements v ON v.evaluation_id = e.id
    LEFT JOIN funding f ON f.evaluation_id = e.id AND f.line = 'total'
    ORDER BY dept, e.project_name, e.id`));
  const order = FundingLineCodeSchema.options.map((line, i) => `WHEN '${line}' THEN ${i}`).join(' ');
  // Only the counted copies' rows: a form found in several files is one project.
  const counted = 'evaluation_id IN (SELECT id FROM evaluations WHERE counted = 1)';
  const funding = groupBy(readRows('funding', StoredFundingRowSchema, await db.all(`SELECT * FROM funding WHERE ${counted} ORDER BY evaluation_id, CASE line ${order} END`)));
  const indicators = groupBy(readRows('indicators', StoredIndicatorRowSchema, await db.all(`SELECT * FROM indicators WHERE ${counted} ORDER BY evaluation_id, seq`)));
  const judgements = groupBy(readRows('judgements', JudgementRowSchema, await db.all('SELECT evaluation_id, seq, judgement, full_marks, why FROM judgements ORDER BY evaluation_id, seq')));
  const flags = groupBy(readRows('flags', StoredFlagRowSchema, await db.all(`SELECT evaluation_id, indicator_seq, code, severity, message FROM flags WHERE ${counted} ORDER BY evaluation_id, id`)));
  const sources = groupBy(readRows('form_sources', SourceRowSchema, await db.all(`SELECT s.form_id AS evaluation_id, s.source, s.format, s.counted, s.current,
      s.page_start, s.page_end, s.line_start, s.line_end FROM form_sources s WHERE s.form_id IS NOT NULL ORDER BY s.form_id, s.counted DESC, s.evaluation_id`)));
  const years = await yearView(db);
  const flagged = projects.filter((p) => p.shortfall_full_marks > 0).length;

  const bodies = projects.map((p) => {
    const search = [p.project_name, p.dept, p.implementing_unit, p.source].filter(Boolean).join(' ');
    const rate = p.withdrawn ? '<span class="withdrawn" title="年初预算 > 0，全年预算 0">预算撤回</span>' : pct(p.rate);
    return `<tbody class="project" data-search="${esc(search)}" data-full-marks-short="${p.shortfall_full_marks > 0 ? 1 : 0}">
<tr class="summary" tabindex="0">
<td data-sort="${esc(p.project_name ?? '')}">${show(p.project_name)}</td><td data-sort="${esc(p.dept)}">${esc(p.dept)}</td>
<td class="num" data-sort="${p.year ?? ''}">${show(p.year)}</td>
<td class="num" data-sort="${p.full_year_yuan ?? ''}">${money(p.full_year_yuan)}</td>
<td class="num" data-sort="${p.withdrawn ? '' : p.rate ?? ''}">${rate}</td>
<td class="num" data-sort="${p.total_score ?? ''}">${p.total_score === null ? show(p.total_score_raw) : score(p.total_score)}</td>
<td class="num" data-sort="${p.shortfalls}">${p.shortfalls}</td>
<td class="num" data-sort="${p.shortfall_full_marks}">${p.shortfall_full_marks > 0 ? `<span class="tag tag-full">${p.shortfall_full_marks}</span>` : '0'}</td>
<td data-sort="${{ high: 0, medium: 1, low: 2 }[p.confidence] ?? 3}"><span class="conf conf-${esc(p.confidence)}">${{ high: '高', medium: '中', low: '低' }[p.confidence] ?? esc(p.confidence)}</span></td>
</tr>
<tr class="detail" hidden><td colspan="9">${projectDetail(p, funding.get(p.id) ?? [], indicators.get(p.id) ?? [],
      new Map((judgements.get(p.id) ?? []).map((j) => [j.seq, j])), flags.get(p.id) ?? [], p.form_id === null ? [] : sources.get(p.form_id) ?? [])}</td></tr>
</tbody>`;
  }).join('\n');

  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>项目支出绩效自评 — zipin 报告</title><style>${REPORT_STYLE}</style></head>
<body>
<header><h1>项目支出绩效自评 — zipin 报告</h1>
<p>${projects.length} 个项目，${departments.length} 个部门 · 生成于 <time datetime="${esc(generatedAt.toISOString())}">${esc(date(generatedAt))}</time>（北京时间）· zipin ${esc(PIPELINE_VERSION)}。
金额单位：元；执行率 = 各表“年度资金总额”行的 Σ全年执行数 ÷ Σ全年预算数；“未达标”指实际完成值未达到可比的定量年度指标值（数据集中的 judgements 视图）。</p></header>
<section id="departments"><h2>各部门：谁的预算执行得最少</h2>${departmentCharts(departments)}</section>
<section id="years"><h2>各部门逐年对比</h2>${years}</section>
<section id="scores"><h2>谁给自己打了高分却没有完成目标</h2>${scoreCharts(projects, departments.map((d) => d.group))}</section>
<section id="projects"><h2>全部项目</h2>
<div class="controls"><label>搜索 <input id="search" type="search" placeholder="项目名称、部门、文件…" autocomplete="off"></label>
<label><input id="full-marks-filter" type="checkbox"> 只看有未达标指标仍得满分的项目（${flagged} 个）</label> <span id="count"></span></div>
${SCROLL_HINT}<div class="scroll"><table id="project-table"><thead><tr>
<th data-type="text">项目名称</th><th data-type="text">主管部门</th><th data-type="num">年度</th><th data-type="num">全年预算(元)</th>
<th data-type="num">执行率</th><th data-type="num">自评总分</th><th data-type="num">未达标指标</th><th data-type="num">未达标仍满分</th><th data-type="num">可信度</th>
</tr></thead>
${bodies}
</table></div></section>
<script>${REPORT_SCRIPT}</script>
</body></html>
`;
}
