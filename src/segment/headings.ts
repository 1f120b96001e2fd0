import type { Row } from '../model/table.js';

/** Non-empty cells of a row. */
export function filled(row: Row): string[] {
  return row.cells.filter((c) => c !== '');
}

const HEADING = /自评表$/;
const HEADING_MAX_CHARS = 60;

/**
 * A heading is a row holding one short cell that ends in 自评表: 项目支出绩效自评表,
 * 2021年大厅运营事务项目自评表, 财政项目支出绩效自评表, …
 */
export function headingText(row: Row): string | null {
  const cells = filled(row);
  if (cells.length !== 1) return null;
  // "附件1 …", "…（2022年度）", "…（公开14表）" around the title are not part of it.
  const text = cells[0]!.replace(/^(附件|附表)\s*\d*\s*[:：]?\s*/, '').replace(/\s*[（(][^（()）]{1,12}[)）]$/, '').trim();
  if (text.length > HEADING_MAX_CHARS || !HEADING.test(text) || /[。；]/.test(text)) return null;
  return text;
}

/** The row that opens a form's header: 项目名称 (2021 style) or 项目编码 (2022 style). */
export function isFormHeaderRow(row: Row): boolean {
  return row.cells.some((c) => /^(项目名称|项目编码)\s*[:：]?$/.test(c));
}

export function isTotalRow(row: Row): boolean {
  const first = filled(row)[0];
  return first !== undefined && /^总\s*分\s*[:：]?$/.test(first);
}

export function isInstructionsRow(row: Row): boolean {
  const first = filled(row)[0];
  return first !== undefined && /^[-•\s]*填报说明/.test(first);
}

export function yearOf(title: string): number | null {
  const m = /(20\d{2}|19\d{2})\s*年/.exec(title);
  return m ? Number(m[1]) : null;
}
