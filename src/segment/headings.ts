import { FORM_START, HEADING, HEADING_PREFIX, HEADING_SUFFIX, INSTRUCTIONS, TOTAL, TOTAL_AFTER_INDICATORS, YEAR_IN_TEXT } from '../form/vocabulary.js';
import type { Row } from '../model/table.js';

/** Non-empty cells of a row. */
export function filled(row: Row): string[] {
  return row.cells.filter((c) => c !== '');
}

const HEADING_MAX_CHARS = 60;

/**
 * A heading is a row holding one short cell that ends in 自评表: 项目支出绩效自评表,
 * 2021年大厅运营事务项目自评表, 财政项目支出绩效自评表, …
 */
export function headingText(row: Row): string | null {
  const cells = filled(row);
  if (cells.length !== 1) return null;
  // "附件1 …", "…（2022年度）", "…（公开14表）" around the title are not part of it.
  const text = cells[0]!.replace(HEADING_PREFIX, '').replace(HEADING_SUFFIX, '').trim();
  if (text.length > HEADING_MAX_CHARS || !HEADING.test(text) || /[。；]/.test(text)) return null;
  return text;
}

/** The row that opens a form's header: 项目名称 (2021 style) or 项目编码 (2022 style). */
export function isFormHeaderRow(row: Row): boolean {
  return row.cells.some((c) => FORM_START.test(c));
}

/** The 总分 row that closes a form. */
export function isTotalRow(row: Row): boolean {
  const first = filled(row)[0];
  return first !== undefined && TOTAL.test(first);
}

/** A 总分, 合计 or 总计 row: closes a form once its indicators have begun (合计 above them is a funding line). */
export function isClosingRow(row: Row): boolean {
  const first = filled(row)[0];
  return first !== undefined && TOTAL_AFTER_INDICATORS.test(first);
}

export function isInstructionsRow(row: Row): boolean {
  const first = filled(row)[0];
  return first !== undefined && INSTRUCTIONS.test(first);
}

export function yearOf(title: string): number | null {
  const m = YEAR_IN_TEXT.exec(title);
  return m ? Number(m[1]) : null;
}
