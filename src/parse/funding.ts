import { flag, type Flag } from '../model/flag.js';
import type { FundingLineCode, ParsedFundingLine } from '../model/parsed.js';
import type { Row } from '../model/table.js';
import { textValue } from './text.js';

type FundingColumn = 'initial' | 'fullYear' | 'executed' | 'weight' | 'rate' | 'score';

/** The Shenzhen order of the six funding columns, used when the header row cannot be trusted. */
const STANDARD_COLUMNS: readonly FundingColumn[] = ['initial', 'fullYear', 'executed', 'weight', 'rate', 'score'];

const COLUMN_LABELS: ReadonlyArray<readonly [RegExp, FundingColumn]> = [
  [/^年初预算数/, 'initial'],
  [/^全年预算数/, 'fullYear'],
  [/^全年执行数/, 'executed'],
  [/^分值/, 'weight'],
  [/^执行率/, 'rate'],
  [/^得分/, 'score'],
];

const LINE_LABELS: ReadonlyArray<readonly [RegExp, FundingLineCode]> = [
  [/^(年度)?(财政)?资金总额/, 'total'],
  [/^(其中\s*[:：]?\s*)?(当年|本年)?财政拨款/, 'appropriation'],
  [/^上年结转(资金)?/, 'carryover'],
  [/^其他资金/, 'other'],
];

function columnOf(cell: string): FundingColumn | null {
  if (cell === '' || cell.length > 16) return null;
  const label = cell.replace(/^[*★]\s*/, '').replace(/\s+/g, '');
  for (const [re, column] of COLUMN_LABELS) if (re.test(label)) return column;
  return null;
}

function lineOf(cell: string): FundingLineCode | null {
  if (cell === '' || cell.length > 20) return null;
  for (const [re, code] of LINE_LABELS) if (re.test(cell)) return code;
  return null;
}

export function isFundingHeaderRow(row: Row): boolean {
  return row.cells.filter((c) => columnOf(c) !== null).length >= 3;
}

export interface FundingSection {
  lines: ParsedFundingLine[];
  ratePercentHeader: boolean;
  moneyUnit: '元' | '万元';
  flags: Flag[];
}

const UNIT = /(?:项目资金|资金|单位)\s*[(（:：]\s*(万元|元)\s*[)）]?/;

export function parseMoneyUnit(rows: readonly Row[]): '元' | '万元' {
  for (const row of rows) {
    for (const cell of row.cells) {
      const m = UNIT.exec(cell.replace(/\s+/g, ''));
      if (m) return m[1] as '元' | '万元';
    }
  }
  return '元';
}

/**
 * The 项目资金 section: a header row naming the columns and up to four lines (总额, 财政拨款,
 * 上年结转, 其他). Values are read from the cells after each line's label in the header's order;
 * when the header is misprinted (labels missing or off by a column) and the line has the six
 * standard values, the standard order is used and flagged.
 */
export function parseFunding(rows: readonly Row[]): FundingSection {
  const flags: Flag[] = [];
  const lines: ParsedFundingLine[] = [];
  let columns: FundingColumn[] = [...STANDARD_COLUMNS];
  let ratePercentHeader = false;
  for (const row of rows) {
    if (isFundingHeaderRow(row)) {
      columns = row.cells.map(columnOf).filter((c): c is FundingColumn => c !== null);
      ratePercentHeader = row.cells.some((c) => /^执行率.*%/.test(c.replace(/\s+/g, '')));
      continue;
    }
    const at = row.cells.findIndex((c) => lineOf(c) !== null);
    if (at < 0) continue;
    const code = lineOf(row.cells[at]!)!;
    if (lines.some((l) => l.line === code)) continue;
    const after = row.cells.slice(at + 1);
    while (after.length > 0 && after[after.length - 1] === '') after.pop();
    let order = columns;
    if (after.length > columns.length && after.length === STANDARD_COLUMNS.length) {
      order = [...STANDARD_COLUMNS];
      if (!flags.some((f) => f.code === 'header_misaligned')) flags.push(flag('header_misaligned', 'info',
        `line ${row.line}: the funding header names ${columns.length} columns but its lines have six values; read in the standard order (年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分)`));
    } else if (after.length > columns.length) {
      flags.push(flag('row_unplaced', 'warn',
        `line ${row.line}: funding line "${row.cells[at]}" has ${after.length} values for ${columns.length} columns; extra values ignored`));
    }
    const value: Record<FundingColumn, string | null> = {
      initial: null, fullYear: null, executed: null, weight: null, rate: null, score: null,
    };
    order.forEach((column, i) => {
      value[column] = textValue(after[i]);
    });
    lines.push({ line: code, label: row.cells[at]!, ...value });
  }
  return { lines, ratePercentHeader, moneyUnit: parseMoneyUnit(rows), flags };
}
