import { FUNDING_COLUMN_NAMES, FUNDING_LINE_NAMES, fundingLine, INDICATOR_COLUMN_NAMES } from '../form/columns.js';
import { compact, HEADER_FIELD_NAMES, type HeaderField } from '../form/vocabulary.js';
import { flag, type Flag } from '../model/flag.js';
import type { ParsedBlock, ParsedFundingLine, ParsedIndicator } from '../model/parsed.js';
import { UNCERTAIN_OCR_CONFIDENCE, type Row } from '../model/table.js';
import { quote } from './text.js';

const FUNDING_FIELDS = ['initial', 'fullYear', 'executed', 'weight', 'rate', 'score'] as const satisfies ReadonlyArray<keyof ParsedFundingLine & keyof typeof FUNDING_COLUMN_NAMES>;
const INDICATOR_FIELDS = ['name', 'target', 'actual', 'weight', 'score', 'deviation', 'level1', 'level2', 'unit'] as const;
const INDICATOR_NAMES: Record<(typeof INDICATOR_FIELDS)[number], string> = { ...INDICATOR_COLUMN_NAMES, unit: INDICATOR_COLUMN_NAMES.targetUnit };

/** The value holds what the cell says (a merged or wrapped cell's text, or all of it). */
const holds = (value: string | null, text: string) => value !== null && compact(value) !== '' && compact(value).includes(text);

/**
 * Which field of the record a cell of a source row went into: the indicator read from that row,
 * the funding line the row is, a header field, a goal or the total — by the cell's text among
 * that part's values. Null when no field took it (a label, a cell the parser did not read).
 */
function fieldOf(block: ParsedBlock, row: Row, cell: string): { name: string; seq: number | null } | null {
  const text = compact(cell);
  const at = block.indicators.findIndex((ind) => ind.line === row.line);
  if (at >= 0) {
    const ind: ParsedIndicator = block.indicators[at]!;
    const field = INDICATOR_FIELDS.find((f) => holds(ind[f], text));
    if (field) return { name: `indicator ${at + 1}${ind.name ? ` (${quote(ind.name, 20)})` : ''} ${INDICATOR_NAMES[field]}`, seq: at + 1 };
  }
  const line = row.cells.map(fundingLine).find((l) => l !== null);
  const funding = line ? block.funding.find((f) => f.line === line) : undefined;
  if (funding) {
    const field = FUNDING_FIELDS.find((f) => holds(funding[f], text));
    if (field) return { name: `${FUNDING_LINE_NAMES[funding.line]} ${FUNDING_COLUMN_NAMES[field]}`, seq: null };
  }
  const header = (Object.keys(HEADER_FIELD_NAMES) as HeaderField[]).find((f) => holds(block.header[f], text));
  if (header) return { name: HEADER_FIELD_NAMES[header], seq: null };
  if (holds(block.goalExpected, text)) return { name: '预期目标', seq: null };
  if (holds(block.goalActual, text)) return { name: '实际完成情况', seq: null };
  if (block.indicators.every((ind) => ind.line !== row.line)) {
    if (holds(block.totalScore, text)) return { name: '总分 得分', seq: null };
    if (holds(block.totalWeight, text)) return { name: '总分 分值', seq: null };
  }
  return null;
}

/**
 * A block read by OCR says so (`ocr`), and every cell the recogniser was unsure of says which
 * field it went into and what was read (`ocr_uncertain`) — a misread digit is then for the form's
 * own arithmetic (validate) to catch, and for a reader to check; nothing is corrected here.
 */
export function ocrFlags(block: ParsedBlock, rows: readonly Row[]): Flag[] {
  const read = rows.filter((r) => r.confidence !== undefined);
  if (read.length === 0) return [];
  const pages = [...new Set(read.map((r) => r.page).filter((p): p is number => p !== null))];
  const where = pages.length === 0 ? 'a scanned image' : pages.length === 1 ? `scanned page ${pages[0]}` : `scanned pages ${pages[0]}–${pages[pages.length - 1]}`;
  const flags = [flag('ocr', 'info', `read by OCR from ${where}: every value is as the recogniser read it`)];
  for (const row of read) {
    row.cells.forEach((cell, i) => {
      const confidence = row.confidence![i];
      if (confidence === null || confidence === undefined || confidence >= UNCERTAIN_OCR_CONFIDENCE || cell.trim() === '') return;
      const field = fieldOf(block, row, cell);
      const what = field ? field.name : `a cell of line ${row.line}`;
      flags.push(flag('ocr_uncertain', 'warn', `OCR is unsure of ${what}: read ${quote(cell, 40)} (confidence ${confidence.toFixed(2)})`, field?.seq ?? null));
    });
  }
  return flags;
}
