import { flag, type Flag } from '../model/flag.js';
import type { ParsedBlock } from '../model/parsed.js';
import type { Block, Row } from '../model/table.js';
import { isClosingRow, isTotalRow } from '../segment/headings.js';
import { parseFunding } from './funding.js';
import { garbledSample } from './garbled.js';
import { ocrFlags } from './ocr.js';
import { parseGoals } from './goals.js';
import { parseHeader } from './header.js';
import { hasWeightColumn, isIndicatorHeaderRow, parseIndicators } from './indicators.js';
import { stripHtml, textValue } from './text.js';

/** 总分's 分值 and 得分, in that order — or its 得分 alone where the form has no 分值 column. */
function parseTotal(row: Row | undefined, hasWeights: boolean): { weight: string | null; score: string | null } {
  if (row === undefined) return { weight: null, score: null };
  const at = row.cells.findIndex((c) => c !== '');
  const values = row.cells.slice(at + 1).filter((c) => c !== '');
  return hasWeights ? { weight: textValue(values[0]), score: textValue(values[1]) } : { weight: null, score: textValue(values[0]) };
}

/** Strip HTML residue from every text the block carries, flagging each field it touched. */
function stripAll(block: ParsedBlock): ParsedBlock {
  const flags: Flag[] = [];
  const clean = (text: string | null, where: string, seq: number | null = null): string | null => {
    if (text === null) return null;
    const { text: out, stripped } = stripHtml(text);
    if (stripped) flags.push(flag('html_stripped', 'info', `HTML tags removed from ${where}`, seq));
    return textValue(out);
  };
  return {
    ...block,
    goalExpected: clean(block.goalExpected, '预期目标'),
    goalActual: clean(block.goalActual, '实际完成情况'),
    indicators: block.indicators.map((ind) => ({
      ...ind,
      name: clean(ind.name, `三级指标 at line ${ind.line}`),
      target: clean(ind.target, `年度指标值 at line ${ind.line}`),
      actual: clean(ind.actual, `实际完成值 at line ${ind.line}`),
      deviation: clean(ind.deviation, `偏差原因 at line ${ind.line}`),
    })),
    flags: [...block.flags, ...flags],
  };
}

/** 绩效自评年度 when printed, else the year of a "2021年…自评表" heading. */
function withHeadingYear(header: ParsedBlock['header'], headingYear: number | null): ParsedBlock['header'] {
  return header.year === null && headingYear !== null ? { ...header, year: String(headingYear) } : header;
}

/** One segmented block → a record with every printed value in its true column (still text). */
export function parseBlock(block: Block): ParsedBlock {
  const { rows } = block;
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  const pages = rows.map((r) => r.page).filter((p): p is number => p !== null);
  // Header, funding and goals all stand above the indicator table.
  const indicatorHeader = rows.findIndex(isIndicatorHeaderRow);
  const top = indicatorHeader >= 0 ? rows.slice(0, indicatorHeader) : rows;
  const funding = parseFunding(top);
  const goals = parseGoals(top);
  // The form closes at 总分 — or, after the indicators have begun, at 合计/总计.
  const isEnd = (row: Row) => isTotalRow(row) || (indicatorHeader >= 0 && isClosingRow(row));
  const indicators = parseIndicators(rows, indicatorHeader, isEnd);
  const hasWeights = indicatorHeader < 0 || hasWeightColumn(rows[indicatorHeader]!);
  const total = parseTotal(rows.find((r, i) => isTotalRow(r) || (indicatorHeader >= 0 && i > indicatorHeader && isClosingRow(r))), hasWeights);
  const header = parseHeader(top);
  const parsed = stripAll({
    blockIndex: block.index,
    title: block.title,
    lineStart: first.line,
    lineEnd: last.line,
    pageStart: pages.length > 0 ? Math.min(...pages) : null,
    pageEnd: pages.length > 0 ? Math.max(...pages) : null,
    header: withHeadingYear(header.header, block.headingYear),
    moneyUnit: funding.moneyUnit,
    ratePercentHeader: funding.ratePercentHeader,
    funding: funding.lines,
    goalExpected: goals.expected,
    goalActual: goals.actual,
    indicators: indicators.indicators,
    totalWeight: total.weight,
    totalScore: total.score,
    flags: [...header.flags, ...funding.flags, ...indicators.flags, ...garbledFlags(rows), ...turnedFlags(rows)],
  });
  return { ...parsed, flags: [...parsed.flags, ...ocrFlags(parsed, rows)] };
}

const TURNS: Record<90 | 180 | 270, string> = { 90: 'a quarter turn clockwise', 180: 'upside down', 270: 'a quarter turn anticlockwise' };

/** Pages stored turned (a /Rotate, a scan sideways or upside down) that the block was read from, turned back: said, once a page. */
function turnedFlags(rows: readonly Row[]): Flag[] {
  const turned = new Map<number | null, 90 | 180 | 270>();
  for (const r of rows) if (r.turned !== undefined && !turned.has(r.page)) turned.set(r.page, r.turned);
  return [...turned].map(([page, turn]) => flag('page_turned', 'info', `${page === null ? 'the page' : `page ${page}`} was stored ${TURNS[turn]}; it was read turned back upright`));
}

/** Texts whose characters are not what the page shows: labels may go unrecognised, names misread. */
function garbledFlags(rows: readonly Row[]): Flag[] {
  const sample = garbledSample(rows);
  return sample === null ? [] : [flag('text_garbled', 'warn',
    `text looks garbled ("${sample}"): the PDF maps some glyphs to wrong characters, so labels may go unrecognised and texts not read as printed`)];
}
