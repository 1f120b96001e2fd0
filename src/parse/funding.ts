import { fundingColumn, fundingLine, isFundingHeader, type FundingColumn } from '../form/columns.js';
import { moneyUnitIn } from '../form/vocabulary.js';
import { flag, type Flag } from '../model/flag.js';
import type { MoneyUnitReading, ParsedFundingLine } from '../model/parsed.js';
import { UNCERTAIN_OCR_CONFIDENCE, type Row } from '../model/table.js';
import { columnAt, emptyRanges, measureFor, placed, setRange, type Ranges } from './grid.js';
import { quote, textValue } from './text.js';

type ValueColumn = Exclude<FundingColumn, 'deviation'>;

/** The Shenzhen order of the six funding columns, used when a text export's header cannot be trusted. */
const STANDARD_COLUMNS: readonly ValueColumn[] = ['initial', 'fullYear', 'executed', 'weight', 'rate', 'score'];


export interface FundingSection {
  lines: ParsedFundingLine[];
  ratePercentHeader: boolean;
  moneyUnit: MoneyUnitReading;
  flags: Flag[];
}

/** A funding section's label that should hold its unit, by its words (资金情况完: a misread 资金情况（万元）). */
const UNIT_LABEL = /(资金|预算|金额)/;
const BRACKET = /[（(）)]/;

/**
 * 元 or 万元, wherever the rows above the indicators print it — a side label beside the funding
 * lines (项目资金（万元）), a header cell (项目资金（万元） over the line labels, 全年预算数（万元）), a
 * 单位：万元 line — and where: unit null when the form prints none that can be read, with the label
 * that seems to hold one (a misread 资金情况完)) when there is such a label.
 */
function parseMoneyUnit(rows: readonly Row[]): MoneyUnitReading {
  let unreadable: string | null = null;
  for (const row of rows) {
    const first = row.cells.findIndex((c) => c !== '');
    let header: boolean | undefined;
    const isHeader = () => (header ??= isFundingHeader(row.cells));
    for (const [i, cell] of row.cells.entries()) {
      const unit = moneyUnitIn(cell);
      if (unit === null) {
        if (unreadable === null && BRACKET.test(cell) && UNIT_LABEL.test(cell) && cell.length <= 16 && (i === first || isHeader())) unreadable = cell;
        continue;
      }
      const lone = row.cells.filter((c) => c !== '').length === 1;
      const spansDown = (row.spans?.[i]?.rows ?? 1) > 1;
      const source = /单位/.test(cell) || (lone && !isHeader()) ? 'unit_line'
        : isHeader() && !spansDown && (row.positions === 'exact' || i !== first) ? 'header_cell' : 'side_label';
      const confidence = row.confidence?.[i];
      return { unit, source, label: cell, unsure: confidence !== undefined && confidence !== null && confidence < UNCERTAIN_OCR_CONFIDENCE };
    }
  }
  return { unit: null, source: null, label: unreadable, unsure: false };
}

interface Header {
  row: Row | null;
  /** Columns in printed order (for text exports). */
  order: FundingColumn[];
  /** Where each column stands (for a table's own cells). */
  ranges: Ranges<FundingColumn>;
}

function readHeader(row: Row, flags: Flag[]): Header {
  const first = row.cells.findIndex((c) => fundingColumn(c) !== null);
  const ranges = emptyRanges<FundingColumn>();
  const order: FundingColumn[] = [];
  row.cells.forEach((text, i) => {
    const column = fundingColumn(text);
    if (column === null) {
      // Before the first column stand the side label (项目资金（万元）, 预算执行情况（10分）) and the line labels' column.
      if (i > first && text !== '') flags.push(flag('unknown_column', 'info', `line ${row.line}: funding header ${quote(text)} is no column zipin knows; its cells were not read`));
      return;
    }
    if (order.includes(column)) return;
    setRange(ranges, column, row, i);
    order.push(column);
  });
  return { row, order, ranges };
}

type Values = Record<ValueColumn, string | null>;
const noValues = (): Values => ({ initial: null, fullYear: null, executed: null, weight: null, rate: null, score: null });

/**
 * The 项目资金 section: a header row naming the columns and its lines (总额, 财政拨款, 上年结转,
 * 其他 … as each issuer words them). A table's own cells (exact rows) are read where the header
 * says. Cells of a text export are read after each line's label in the header's order; when the
 * header is misprinted (labels missing or off by a column) and the line has the six standard
 * values, the standard order is used and flagged.
 */
export function parseFunding(rows: readonly Row[]): FundingSection {
  const flags: Flag[] = [];
  const lines: ParsedFundingLine[] = [];
  let header: Header = { row: null, order: [...STANDARD_COLUMNS], ranges: emptyRanges() };
  let ratePercentHeader = false;
  for (const row of rows) {
    if (isFundingHeader(row.cells)) {
      header = readHeader(row, flags);
      ratePercentHeader = row.cells.some((c) => fundingColumn(c) === 'rate' && /%/.test(c));
      continue;
    }
    const at = row.cells.findIndex((c) => fundingLine(c) !== null);
    if (at < 0) continue;
    const code = fundingLine(row.cells[at]!)!;
    if (lines.some((l) => l.line === code)) continue;
    const value = noValues();
    const measure = header.row === null ? 'index' : measureFor(header.row, row);
    if (measure !== 'index') {
      for (const cell of placed(row, measure).slice(at + 1)) {
        const column = columnAt(header.ranges, measure, cell.from, cell.to);
        if (column !== null && column !== 'deviation' && cell.text !== '' && value[column] === null) value[column] = textValue(cell.text);
      }
    } else {
      readInOrder(row, at, header.order, value, flags);
    }
    lines.push({ line: code, label: row.cells[at]!, ...value });
  }
  return { lines, ratePercentHeader, moneyUnit: parseMoneyUnit(rows), flags };
}

/** A text export's line: its values after the label, in the header's order (or the standard one). */
function readInOrder(row: Row, at: number, columns: readonly FundingColumn[], value: Values, flags: Flag[]): void {
  const after = row.cells.slice(at + 1);
  while (after.length > 0 && after[after.length - 1] === '') after.pop();
  let order = columns;
  if (after.length > columns.length && after.length === STANDARD_COLUMNS.length) {
    order = STANDARD_COLUMNS;
    if (!flags.some((f) => f.code === 'header_misaligned')) flags.push(flag('header_misaligned', 'info',
      `line ${row.line}: the funding header names ${columns.length} columns but its lines have six values; read in the standard order (年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分)`));
  } else if (after.length > columns.length) {
    flags.push(flag('row_unplaced', 'warn',
      `line ${row.line}: funding line "${row.cells[at]}" has ${after.length} values for ${columns.length} columns; extra values ignored`));
  }
  order.forEach((column, i) => {
    if (column !== 'deviation') value[column] = textValue(after[i]);
  });
}
