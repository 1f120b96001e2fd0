import type { FundingLineCode } from '../model/parsed.js';
import { rememberedByText } from './memo.js';
import { compact } from './vocabulary.js';

/**
 * Column headers read by meaning, not by an exact list: issuers word the same column many ways,
 * and a list of the labels seen so far would always miss the next issuer. A header cell is first
 * normalised — whitespace and line breaks, stars, bracketed units, letters and formulas such as
 * （元）, (A), (B/A), (20分*执行率) dropped — then classified by its key words.
 */
export function normalizeHeader(cell: string): string {
  return compact(cell)
    .replace(/^[*★☆]+/, '')
    .replace(/[（(][^（()）]*[)）]/g, '')
    .replace(/[A-Za-z0-9%*/×+=.\-]+/g, '')
    .replace(/[:：]$/, '');
}

/** A header label is short even with its brackets: a longer cell is a text, never a header. */
const LONGEST_HEADER = 40;

/** `classify`, remembered by cell text, for cells that can be header labels (null for any other). */
function headerClassifier<T extends {}>(classify: (cell: string) => T | null): (cell: string) => T | null {
  const remembered = rememberedByText(classify);
  return (cell) => (cell === '' || cell.length > LONGEST_HEADER ? null : remembered(cell));
}

/** The columns of the indicator table. `method`: a 得分计算方法 column, known and not read. */
export type IndicatorColumn =
  | 'level1' | 'level2' | 'name' | 'targetNature' | 'target' | 'targetUnit' | 'actual' | 'weight' | 'score' | 'deviation' | 'method';

/** What each class is called in messages (the Shenzhen form's words). */
export const INDICATOR_COLUMN_NAMES: Record<IndicatorColumn, string> = {
  level1: '一级指标', level2: '二级指标', name: '三级指标', targetNature: '指标性质', target: '年度指标值', targetUnit: '度量单位',
  actual: '实际完成值', weight: '分值', score: '得分', deviation: '偏差原因', method: '得分计算方法',
};

/**
 * An indicator-table header cell → its column: 一级/二级/三级 the levels and the indicator's name;
 * 实际 or 完成 the actual value; 指标值/目标/预期 the target; 分值/权重 the weight; 得分 the score;
 * 原因/偏差 the deviation; 指标性质 and 度量单位/计量单位 parts of a split target.
 */
export const indicatorColumn = headerClassifier(classifyIndicator);

function classifyIndicator(cell: string): IndicatorColumn | null {
  const c = normalizeHeader(cell);
  if (c === '' || c.length > 16) return null;
  if (/一级/.test(c)) return 'level1';
  if (/二级/.test(c)) return 'level2';
  if (/三级/.test(c) || /^指标名称$/.test(c)) return 'name';
  if (/指标性质/.test(c)) return 'targetNature';
  if (/^(度量|计量)?单位$/.test(c)) return 'targetUnit';
  if (/(计算|方法|标准)/.test(c) && /(得分|评分|计分)/.test(c)) return 'method';
  if (/(原因|偏差|改进措施)/.test(c)) return 'deviation';
  if (/实际/.test(c) || /完成(值|情况|指标值)?$/.test(c)) return 'actual';
  if (/(指标值|目标|预期)/.test(c)) return 'target';
  if (/(分值|权重|满分)/.test(c)) return 'weight';
  if (/得分/.test(c)) return 'score';
  return null;
}

/**
 * A header row of the indicator table, by meaning: it names a level or the indicator's name and
 * a value column (target, actual, weight or score) — three columns at least.
 */
export function isIndicatorHeader(cells: readonly string[]): boolean {
  let levels = 0;
  let values = 0;
  for (const c of cells) {
    const column = indicatorColumn(c);
    if (column === 'level1' || column === 'level2' || column === 'name') levels++;
    else if (column === 'target' || column === 'actual' || column === 'weight' || column === 'score') values++;
  }
  return levels >= 1 && values >= 1 && levels + values >= 3;
}

/** The columns of the funding table. */
export type FundingColumn = 'initial' | 'fullYear' | 'executed' | 'weight' | 'rate' | 'score' | 'deviation';

/** 年初 the initial budget; 调整/全年 + 预算 the full-year budget; 执行 + 数 the executed amount; 执行率 the rate. */
export const fundingColumn = headerClassifier(classifyFunding);

function classifyFunding(cell: string): FundingColumn | null {
  const c = normalizeHeader(cell);
  if (c === '' || c.length > 16) return null;
  if (/执行率/.test(c)) return 'rate';
  if (/年初/.test(c)) return 'initial';
  if (/预算/.test(c) && /(调整|全年|年度|预算数$|预算$)/.test(c) && !/执行/.test(c)) return 'fullYear';
  if (/(执行|支出|决算)(数|额|金额)?$/.test(c)) return 'executed';
  if (/(分值|权重)/.test(c)) return 'weight';
  if (/得分/.test(c)) return 'score';
  if (/(原因|偏差)/.test(c)) return 'deviation';
  return null;
}

/** What each funding column is called in messages (the Shenzhen form's words). */
export const FUNDING_COLUMN_NAMES: Record<FundingColumn, string> = {
  initial: '年初预算数', fullYear: '全年预算数', executed: '全年执行数', weight: '分值', rate: '执行率', score: '得分', deviation: '偏差原因',
};

/** The columns that make a header row the funding table's (amounts and rates, not points). */
const FUNDING_AMOUNT_COLUMNS: ReadonlySet<FundingColumn> = new Set(['initial', 'fullYear', 'executed', 'rate']);


/** A header row of the funding table, by its content: it names amount or rate columns (not by its side label). */
export function isFundingHeader(cells: readonly string[]): boolean {
  const columns = cells.map(fundingColumn);
  return columns.filter((c) => c !== null).length >= 3 && columns.filter((c) => c !== null && FUNDING_AMOUNT_COLUMNS.has(c)).length >= 2;
}

/**
 * A funding line's label → its line: 总额/合计 the total; 财政拨款/财政资金 the appropriation;
 * 财政专户 the special-account funds; 单位资金/自有资金 the unit's own; 上年结转 the carry-over;
 * 其他 the rest. Checked in that order: 年度财政资金总额 is a total, not an appropriation.
 */
export const fundingLine = rememberedByText((cell: string): FundingLineCode | null => {
  const c = compact(cell).replace(/^[*★]/, '').replace(/^其中[:：]?/, '');
  if (c === '' || c.length > 20) return null;
  if (/(总额|合计|总计)/.test(c)) return 'total';
  if (/财政专户/.test(c)) return 'special';
  if (/(财政拨款|财政资金|财政性资金)/.test(c)) return 'appropriation';
  if (/结转/.test(c)) return 'carryover';
  if (/^(单位|自有)(自筹)?资金/.test(c)) return 'unit';
  if (/^其他(资金)?$/.test(c) || /^其他资金/.test(c)) return 'other';
  return null;
});

/** What each funding line is called in messages (the Shenzhen form's words). */
export const FUNDING_LINE_NAMES: Record<FundingLineCode, string> = {
  total: '年度资金总额', appropriation: '当年财政拨款', special: '财政专户管理资金', unit: '单位资金', carryover: '上年结转资金', other: '其他资金',
};
