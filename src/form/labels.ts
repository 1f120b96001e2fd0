/**
 * The labels the form prints, as a list to match misreadings against: a recogniser that reads
 * 一级指标 as -级指标, 预期目标 as 预期自标 or 产出指标（50分） as 产指标(50别 is corrected to the
 * label it missed (`nearestLabel`), so that the parser finds its columns, levels and sections.
 * Free text (names, goals, reasons) is never matched: only cells short enough to be a label,
 * and only to a label one or two edits away that no other label is as near to.
 */
import { LEVEL_NAMES } from './levels.js';
import { compact } from './vocabulary.js';

/** Labels as printed (whitespace dropped), over the variants issuers print. */
const LABELS: readonly string[] = [
  // headings
  '项目支出绩效自评表', '部门预算项目支出绩效自评表', '财政项目支出绩效自评表', '项目绩效目标自评表', '绩效目标自评表',
  // header fields
  '项目名称', '项目编码', '项目代码', '项目金额', '主管部门', '主管单位', '实施单位', '一级预算单位', '绩效自评年度', '自评年度', '项目属性',
  // the funding section
  '项目资金', '资金情况', '预算执行情况', '年初预算数', '年初预算', '全年预算数', '调整后预算数', '全年执行数', '预算执行数',
  '执行率', '预算执行率', '分值', '权重', '得分', '年度资金总额', '年度财政资金总额', '资金总额', '总额',
  '其中：当年财政拨款', '其中：本年财政拨款', '其中：财政拨款', '其中：财政资金', '当年财政拨款', '本年财政拨款', '财政拨款', '财政资金',
  '财政专户管理资金', '单位资金', '上年结转资金', '其他资金',
  // goals
  '年度总体目标', '总体目标', '预期目标', '实际完成情况', '目标实际完成情况', '年度目标', '年初设定目标',
  // the indicator table
  '绩效指标', '年度绩效指标', '一级指标', '二级指标', '三级指标', '指标名称', '年度指标值', '实际完成值', '预期指标值', '实际完成指标值',
  '年初目标值', '指标性质', '指标值', '度量单位', '计量单位', '完成值', '偏差原因分析及改进措施', '未完成原因分析', '未完成原因',
  '得分计算方法', '评分标准', '备注',
  // levels, long and short (2022-style) names
  ...LEVEL_NAMES, '经济成本指标', '社会成本指标', '生态环境成本指标',
  // closing rows
  '总分', '合计', '评价结论', '存在问题', '改进措施',
];

/** A bracketed tail after a label: points (（50分）, read as (50别 too), a unit (（万元）), a letter ((A), (B/A)). */
const TAIL = /([(（][^()（）]{0,10}[)）]?)$/;
const POINTS = /^([(（])\s*(\d+(?:\.\d+)?)\s*[\u4e00-\u9fff]?\s*[)）]?$/;
const WHOLE_POINTS = /^[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]$/;
/** Marks a speck beside a label is read as, at either end. */
const STRAY = /^[“”‘’'"`·.,，、]+|[“”‘’'"`·.,，、]+$/g;

/** Characters a recogniser takes for one another: one of them read for the other is half an edit. */
const LOOK_ALIKE: readonly string[] = ['-—一－_', '目自', '日曰', '未末', '土士', '己已巳', '于干', '人入', '二三', '0O〇o', '1lI|', '(（', ')）', '.。·'];
const alike = (a: string, b: string) => LOOK_ALIKE.some((group) => group.includes(a) && group.includes(b));

const CJK = /[\u3400-\u9fff]/;

/** Edits (insert, delete, substitute one character; a look-alike half) from the reading `a` to the label `b`, stopping past `most`. */
function distance(a: readonly string[], b: readonly string[], most: number): number {
  if (Math.abs(a.length - b.length) > most) return most + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const change = a[i - 1] === b[j - 1] ? 0 : alike(a[i - 1]!, b[j - 1]!) ? 0.5 : 1;
      // A Chinese character read is never dropped: the recogniser misses strokes, it does not
      // invent characters — 服务对象满意度指标等 is printed so, not a misread label.
      const drop = CJK.test(a[i - 1]!) ? Infinity : 1;
      row[j] = Math.min(previous[j]! + drop, row[j - 1]! + 1, previous[j - 1]! + change);
      best = Math.min(best, row[j]!);
    }
    if (best > most) return most + 1;
    previous = row;
  }
  return previous[b.length]!;
}

/** Edits a misreading of a label of `length` characters may be away from it: none below four. */
const allowed = (length: number) => (length < 4 ? 0 : length < 6 ? 1 : length < 10 ? 2 : 3);

const BY_CHARS = LABELS.map((label) => ({ label, chars: Array.from(label) }));
const KNOWN = new Set(LABELS);

/** A label the form prints, as printed (whitespace dropped). */
export const isKnownLabel = (text: string): boolean => KNOWN.has(compact(text));

/** The label nearest to `base` within the edits its length allows, when no other is as near. */
function nearest(base: string): string | null {
  const chars = Array.from(base);
  let best: string | null = null;
  let bestDistance = Infinity;
  let tie = false;
  for (const { label, chars: want } of BY_CHARS) {
    const most = allowed(want.length);
    if (most === 0) continue;
    const d = distance(chars, want, Math.min(most, bestDistance));
    if (d > most) continue;
    if (d < bestDistance) {
      best = label;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance) {
      tie = true;
    }
  }
  return tie ? null : best;
}

/**
 * The label a cell's reading misses, as the form prints it — its tail kept (a unit or letter as
 * read; points as （N分）) — or null when the reading is a label already, or near none. Only
 * cells as short as labels are matched.
 */
export function nearestLabel(reading: string): string | null {
  const text = compact(reading);
  if (text.length < 3 || text.length > 16) return null;
  const cleaned = text.replace(STRAY, '');
  const tail = TAIL.exec(cleaned)?.[1] ?? '';
  const base = cleaned.slice(0, cleaned.length - tail.length);
  const label = KNOWN.has(base) ? base : base.length >= 3 ? nearest(base) : null;
  if (label === null) return null;
  // Points read broken ((50别, （50分) are printed points all the same: （50分）.
  const points = WHOLE_POINTS.test(tail) ? null : POINTS.exec(tail);
  const fixed = `${label}${points ? `${points[1]}${points[2]}分${points[1] === '(' ? ')' : '）'}` : tail}`;
  return fixed === text ? null : fixed;
}
