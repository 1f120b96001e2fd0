import { FORM_START, HEADING, HEADING_PREFIX, HEADING_SUFFIX, INSTRUCTIONS, TOTAL, TOTAL_AFTER_INDICATORS, YEAR_IN_TEXT } from '../form/vocabulary.js';
import type { Row } from '../model/table.js';

/** The first non-empty cell of a row. */
function firstFilled(row: Row): string | undefined {
  return row.cells.find((c) => c !== '');
}

const HEADING_MAX_CHARS = 60;

/**
 * A heading is a row holding one short cell that ends in 自评表: 项目支出绩效自评表,
 * 2021年大厅运营事务项目自评表, 财政项目支出绩效自评表, …
 */
export function headingText(row: Row): string | null {
  // Exactly one filled cell, found without copying the row: every row of a document is asked.
  const at = row.cells.findIndex((c) => c !== '');
  if (at < 0 || row.cells.some((c, i) => i > at && c !== '')) return null;
  // "附件1 …", "…（2022年度）", "…（公开14表）" around the title are not part of it.
  const text = row.cells[at]!.replace(HEADING_PREFIX, '').replace(HEADING_SUFFIX, '').trim();
  if (text.length > HEADING_MAX_CHARS || !HEADING.test(text) || /[。；]/.test(text)) return null;
  return text;
}

/** The row that opens a form's header: 项目名称 (2021 style) or 项目编码 (2022 style). */
export function isFormHeaderRow(row: Row): boolean {
  return row.cells.some((c) => FORM_START.test(c));
}

/** The 总分 row that closes a form. */
export function isTotalRow(row: Row): boolean {
  const first = firstFilled(row);
  return first !== undefined && TOTAL.test(first);
}

/** A 总分, 合计 or 总计 row: closes a form once its indicators have begun (合计 above them is a funding line). */
export function isClosingRow(row: Row): boolean {
  const first = firstFilled(row);
  return first !== undefined && TOTAL_AFTER_INDICATORS.test(first);
}

export function isInstructionsRow(row: Row): boolean {
  const first = firstFilled(row);
  return first !== undefined && INSTRUCTIONS.test(first);
}

export function yearOf(title: string): number | null {
  const m = YEAR_IN_TEXT.exec(title);
  return m ? Number(m[1]) : null;
}
