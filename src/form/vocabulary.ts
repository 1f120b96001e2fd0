/**
 * What the form is, in words: every label, synonym, placeholder, section word, number shape and
 * marker zipin knows of the 项目支出绩效自评表 and its variants. The segmenter, the parser, the
 * normaliser and the page-break stitcher read the form through this module only; extractors
 * know geometry and file formats, not the form.
 */
import { rememberedByText } from './memo.js';

/** A cell without its whitespace (labels print with spaces, line breaks, vertically). */
export const compact = (text: string): string => text.replace(/\s+/g, '');

// ── Placeholders and numbers ──────────────────────────────────────────────────────────────

/** Marks that stand for "nothing here": /, —, -, ~ (ASCII and full-width), alone or repeated. */
const DASHES = /^[\/／—–\-－~～]+$/;
/** Words that mean "not applicable": kept in text columns, null in numeric ones. */
const WORDS = /^(不适用|不涉及|无|空)$/;

/** A bare dash or slash: null in every column. */
export function isDash(text: string): boolean {
  return DASHES.test(text.trim());
}

/** Nothing, a dash, or a not-applicable word: null in a numeric column. */
export function isPlaceholder(text: string | null): boolean {
  if (text === null) return true;
  const s = text.trim();
  return s === '' || DASHES.test(s) || WORDS.test(s);
}

/** A plain decimal as forms print it: 10, 99.88, 1,656.74, -5. */
export const PLAIN_NUMBER = /^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/;
/** A number in a score cell: 10, 9.5, -1. */
export const SCORE_NUMBER = /^[-+]?\d+(?:\.\d+)?$/;

/** A cell that holds an amount, a rate or a placeholder: 3730200.00, 1,092,500, 99.98%, —. */
export function isNumberCell(cell: string): boolean {
  return /^([-+]?[\d,]+(\.\d+)?%?|[—–\-/／])$/.test(compact(cell));
}

/** A comparator as a 指标性质 column prints it: ≥, ＞, =, 大于, 不低于, 约 … (定性 / 定量 are none). */
export const COMPARATOR = /^([≥≤><=≈≧≦＞＜＝═]+|大于|小于|等于|不低于|不高于|不少于|不多于|不超过|约)$/;
/** A value that is a number alone, perhaps after a comparator: its unit is elsewhere. */
export const BARE_NUMBER = /^[≥≤><=≈≧≦＞＜＝═]?\s*[-+]?[\d,]+(\.\d+)?$/;

// ── Headings, markers and sections ────────────────────────────────────────────────────────

/** A form's title ends in 自评表: 项目支出绩效自评表, 2021年大厅运营事务项目自评表, 部门预算项目支出绩效自评表. */
export const HEADING = /自评表$/;
/** Around the title but not part of it: 附件1, 附表2：, …（2022年度）, （公开14表）. */
export const HEADING_PREFIX = /^(附件|附表)\s*\d*\s*[:：]?\s*/;
export const HEADING_SUFFIX = /\s*[（(][^（()）]{1,12}[)）]$/;
/** A line of its own beside the title giving the year: （2022年度）, 2022年度. */
export const YEAR_LINE = /^[（(]?\s*((?:19|20)\d{2})\s*年度?\s*[)）]?$/;
/** A year inside a title: 2021年…. */
export const YEAR_IN_TEXT = /(20\d{2}|19\d{2})\s*年/;
/**
 * Years a form's own cells mention, and how strongly each says "the year this form is about": a
 * whole year (2021年度, 2021年全年, 2021年1月至12月, 2021年1-12月) more than a date (2021年5月29日),
 * which is as often the day a reason was written, in the year after.
 */
export const YEAR_WHOLE = /((?:19|20)\d{2})\s*年\s*(?:度|全年|1\s*月?\s*(?:至|到|[-—–~～])\s*(?:(?:19|20)\d{2}\s*年\s*)?12\s*月)/g;
export const YEAR_MENTION = /((?:19|20)\d{2})\s*年/g;
/** A year in a file's name or path: 2021年度…, …_2021.pdf, /2021/ (four digits standing alone). */
export const YEAR_IN_NAME = /(?<!\d)((?:19|20)\d{2})(?!\d)/g;
/** The label that opens a form's header rows. */
export const FORM_START = /^(项目名称|项目编码)\s*[:：]?$/;
/** The row that closes a form: 总分 — or 合计, once the indicators have begun. */
export const TOTAL = /^总\s*分\s*[:：]?$/;
export const TOTAL_AFTER_INDICATORS = /^(总\s*分|合\s*计|总\s*计)\s*[:：]?$/;
/** A row that opens another part of the form: the total, a form's header, the goals. */
export const PART_START = /^(总分|合计|项目名称|项目编码|年度总体目标|总体目标)/;
/** Texts that belong to no column table: the goals' headings and labels, the parts after them. */
export const TABLE_BREAK = /预期目标|实际完成情况|年度总体目标|年度绩效指标|项目名称|填报说明/;
/** Notes under the forms that are not part of any. */
export const INSTRUCTIONS = /^[-•\s]*填报说明/;
/** Rows under the indicators that end them: notes, conclusions, signatures. */
export const TRAILER = /^(其他需要说明(的)?事项|说明\s*[:：]|评价结论|存在(的)?问题|改进措施|整改措施|项目负责人|财务负责人|单位负责人|填表人|联系电话|报表编号)/;
/** Rows the template leaves for more indicators: 指标2:, ……. */
export const FILLER = /^(指标\s*\d+\s*[:：]?|[…\.。]{2,})$/;
/** A 其中：… sub-row (under a ★ core indicator, or a funding line). */
export const SUB_ROW = /^其中\s*[:：]?/;
/** The section label in the indicator table's first column, or the piece of it a page break left. */
export const INDICATOR_SECTION = /^(年度绩效\s*指标|年度绩效|绩效指标|指标)([(（]\s*\d+(\.\d+)?\s*分\s*[)）])?$/;
/** The goals section's label: 年度总体目标, 总体目标. */
export const GOALS_SECTION = /^(年度)?总体\s*目标$/;

// ── Header fields ─────────────────────────────────────────────────────────────────────────

export type HeaderField = 'projectName' | 'projectCode' | 'projectAmount' | 'supervisingDept' | 'implementingUnit' | 'budgetUnit' | 'year';

/** Header labels (whitespace, stars and a final colon dropped) and their synonyms. */
export const HEADER_FIELDS: ReadonlyArray<readonly [RegExp, HeaderField]> = [
  [/^项目名称$/, 'projectName'],
  [/^项目(编码|代码|编号)$/, 'projectCode'],
  [/^项目(总)?(金额|资金)$/, 'projectAmount'],
  [/^(项目)?主管(部门|单位)$/, 'supervisingDept'],
  [/^(项目)?实施单位$/, 'implementingUnit'],
  [/^一级预算单位$/, 'budgetUnit'],
  [/^(绩效)?自评年度$/, 'year'],
];

/** What each header field is called in messages (the Shenzhen form's words). */
export const HEADER_FIELD_NAMES: Record<HeaderField, string> = {
  projectName: '项目名称', projectCode: '项目编码', projectAmount: '项目金额', supervisingDept: '主管部门',
  implementingUnit: '实施单位', budgetUnit: '一级预算单位', year: '自评年度',
};

/** A project code printed inside the name: `51092324T000010263357-2023年全县安可替代补助资金项目`. */
export const CODE_IN_NAME = /^([0-9A-Z]{12,40})\s*[-—_－:：\s]\s*(\S.*)$/;

// ── Goals ─────────────────────────────────────────────────────────────────────────────────

/**
 * A goal heading by meaning: one with 完成 is the actual (实际完成情况, 目标实际完成情况, 全年实际完成情况),
 * one with 目标 and not 完成 the expected (预期目标, 年初设定目标, 年度目标) — the section label aside.
 */
export const goalHeading = rememberedByText((cell: string): 'expected' | 'actual' | null => {
  const c = compact(cell).replace(/^[*★]/, '');
  if (c === '' || c.length > 12 || GOALS_SECTION.test(c)) return null;
  if (/完成/.test(c) && /(实际|情况|目标)/.test(c)) return 'actual';
  if (/目标/.test(c)) return 'expected';
  return null;
});

// ── Money units ───────────────────────────────────────────────────────────────────────────

/**
 * The unit money is printed in, wherever the form says it: a side label or header cell holding
 * （万元）/(元) — also on a line of its own inside that cell — or a 单位：万元 line above the table.
 */
export function moneyUnitIn(cell: string): '元' | '万元' | null {
  const c = compact(cell);
  const m = /(?:^|[（(]|单位[:：]?)(万元|元)[)）]?$/.exec(c) ?? /[（(](万元|元)[)）]/.exec(c);
  if (!m) return null;
  // An indicator value (≤118万元) is no unit label: a unit stands in brackets, after 单位, or alone.
  if (!/[（(]|单位|^(万元|元)$/.test(c)) return null;
  return m[1] as '元' | '万元';
}
