import { FUNDING_COLUMN_NAMES, FUNDING_LINE_NAMES, fundingLine, INDICATOR_COLUMN_NAMES } from '../form/columns.js';
import { compact, HEADER_FIELD_NAMES, type HeaderField } from '../form/vocabulary.js';
import { flag, type Flag } from '../model/flag.js';
import type { ParsedBlock, ParsedFundingLine, ParsedIndicator } from '../model/parsed.js';
import { UNCERTAIN_OCR_CONFIDENCE, type Row } from '../model/table.js';
import { quote } from './text.js';

const FUNDING_FIELDS = ['initial', 'fullYear', 'executed', 'weight', 'rate', 'score'] as const satisfies ReadonlyArray<keyof ParsedFundingLine & keyof typeof FUNDING_COLUMN_NAMES>;
/** In the order the form prints them, left to right: a text twice in a row is the first field, then the next. */
const INDICATOR_FIELDS = ['level1', 'level2', 'name', 'target', 'unit', 'actual', 'weight', 'score', 'deviation'] as const;
const INDICATOR_NAMES: Record<(typeof INDICATOR_FIELDS)[number], string> = { ...INDICATOR_COLUMN_NAMES, unit: INDICATOR_COLUMN_NAMES.targetUnit };

/** The value holds what the cell says (a merged or wrapped cell's text, or all of it). */
const holds = (value: string | null, text: string) => value !== null && compact(value) !== '' && compact(value).includes(text);

/** The `nth` (0-based) of the fields whose value holds the text, in print order. */
function nthHolding<F extends string>(fields: readonly F[], value: (f: F) => string | null, text: string, nth: number): F | undefined {
  const holding = fields.filter((f) => holds(value(f), text));
  return holding[Math.min(nth, holding.length - 1)];
}

/**
 * Which field of the record a cell of a source row went into: the indicator read from that row,
 * the funding line the row is, a header field, a goal or the total — by the cell's text among
 * that part's values (the second of two equal cells in a row the second field holding it). Null
 * when no field took it (a label, a cell the parser did not read).
 */
function fieldOf(block: ParsedBlock, row: Row, at: number): { name: string; seq: number | null } | null {
  const text = compact(row.cells[at]!);
  const nth = row.cells.slice(0, at).filter((c) => compact(c) === text).length;
  const seq = block.indicators.findIndex((ind) => ind.line === row.line);
  if (seq >= 0) {
    const ind: ParsedIndicator = block.indicators[seq]!;
    const field = nthHolding(INDICATOR_FIELDS, (f) => ind[f], text, nth);
    if (field) return { name: `indicator ${seq + 1}${ind.name ? ` (${quote(ind.name, 20)})` : ''} ${INDICATOR_NAMES[field]}`, seq: seq + 1 };
  }
  const line = row.cells.map(fundingLine).find((l) => l !== null);
  const funding = line ? block.funding.find((f) => f.line === line) : undefined;
  if (funding) {
    const field = nthHolding(FUNDING_FIELDS, (f) => funding[f], text, nth);
    if (field) return { name: `${FUNDING_LINE_NAMES[funding.line]} ${FUNDING_COLUMN_NAMES[field]}`, seq: null };
  }
  const header = (Object.keys(HEADER_FIELD_NAMES) as HeaderField[]).find((f) => holds(block.header[f], text));
  if (header) return { name: HEADER_FIELD_NAMES[header], seq: null };
  // The cell the money unit was read from: a misread one would store every amount 10,000× off.
  if (block.moneyUnit.label !== null && compact(block.moneyUnit.label) === text) return { name: 'the money unit', seq: null };
  if (holds(block.goalExpected, text)) return { name: '预期目标', seq: null };
  if (holds(block.goalActual, text)) return { name: '实际完成情况', seq: null };
  if (seq < 0) {
    if (holds(block.totalScore, text)) return { name: '总分 得分', seq: null };
    if (holds(block.totalWeight, text)) return { name: '总分 分值', seq: null };
  }
  return null;
}

/**
 * A block read by OCR says so (`ocr`), every cell the recogniser was unsure of says which field it
 * went into and what was read (`ocr_uncertain`), and every cell the OCR reader corrected — to the
 * form's label, a number of its numeric column, a sign read by its shape — says what was read
 * (`ocr_corrected`) — a
 * misread digit is then for the form's own arithmetic (validate) to catch, and for a reader to
 * check; nothing is corrected here.
 */
export function ocrFlags(block: ParsedBlock, rows: readonly Row[]): Flag[] {
  const read = rows.filter((r) => r.confidence !== undefined);
  if (read.length === 0) return [];
  const pages = [...new Set(read.map((r) => r.page).filter((p): p is number => p !== null))];
  const where = pages.length === 0 ? 'a scanned image' : pages.length === 1 ? `scanned page ${pages[0]}` : `scanned pages ${pages[0]}–${pages[pages.length - 1]}`;
  const uncertain: Flag[] = [];
  const corrected: Flag[] = [];
  let labels = 0;
  for (const row of read) {
    row.cells.forEach((cell, i) => {
      const raw = row.recognised?.[i];
      if (raw !== null && raw !== undefined) {
        const field = fieldOf(block, row, i);
        corrected.push(flag('ocr_corrected', 'info', `line ${row.line}: OCR read ${quote(raw, 40)}${field ? ` for ${field.name}` : ''}, corrected to ${quote(cell, 40)}`, field?.seq ?? null));
      }
      const confidence = row.confidence![i];
      if (confidence === null || confidence === undefined || confidence >= UNCERTAIN_OCR_CONFIDENCE || cell.trim() === '') return;
      const field = fieldOf(block, row, i);
      if (field === null) {
        labels++; // a label or a cell no field took: what it did to the reading shows in the fields
        return;
      }
      uncertain.push(flag('ocr_uncertain', 'warn', `OCR is unsure of ${field.name}: read ${quote(cell, 40)} (confidence ${confidence.toFixed(2)})`, field.seq));
    });
  }
  const unsureLabels = labels === 0 ? '' : `; ${labels} other cell(s) read unsure (labels, columns not read)`;
  const note = corrected.length === 0 ? 'every value is as the recogniser read it' : 'every value is as the recogniser read it but the cells flagged ocr_corrected';
  return [flag('ocr', 'info', `read by OCR from ${where}: ${note}${unsureLabels}`), ...uncertain, ...corrected];
}
