import type { ExtractedDocument, Row } from '../model/table.js';
import { headingText, isFormHeaderRow } from './headings.js';

/** Headings of other tables named in the reason, at most. */
const NAMED = 5;
const TITLE_MAX = 30;

const where = (row: Row) => (row.page !== null ? `page ${row.page}` : `line ${row.line}`);

/** The line of free text just above a table's first row: its title (收入支出决算总表), if it has one. */
function titles(rows: readonly Row[]): string[] {
  const seen = new Set<number>();
  const out: string[] = [];
  rows.forEach((row, i) => {
    if (row.table === null || seen.has(row.table)) return;
    seen.add(row.table);
    const above = rows[i - 1];
    const cells = above?.table === null ? above.cells.filter((c) => c.trim() !== '') : [];
    if (cells.length === 1 && cells[0]!.length <= TITLE_MAX) out.push(cells[0]!.trim());
  });
  return out;
}

/**
 * Why a document gave no form, for its row, `inspect` and `extract --verbose`: what was looked
 * for (a 自评表 heading with a 项目名称 or 项目编码 row under it), what was found instead (such a
 * heading without the form, other tables and their titles, no text at all) and what to try next.
 */
export function whyNoForm(doc: ExtractedDocument): string {
  const rows = doc.rows.filter((r) => r.cells.some((c) => c.trim() !== ''));
  const next = 'to see what was read: zipin inspect --draw';
  if (rows.length === 0) return `no form found: the ${doc.format ?? 'file'} holds no text (a scan whose pages OCR could not read?); ${next}`;
  const headings = rows.map((r) => ({ row: r, text: headingText(r) })).filter((h): h is { row: Row; text: string } => h.text !== null);
  const tables = new Set(rows.filter((r) => r.table !== null).map((r) => r.table)).size;
  const named = titles(rows);
  const found: string[] = [];
  if (headings.length > 0) {
    const h = headings[0]!;
    found.push(`the heading "${h.text}" (${where(h.row)})${headings.length > 1 ? ` and ${headings.length - 1} more` : ''} without a form under it`);
  }
  if (tables > 0) found.push(`${tables} table(s)${named.length > 0 ? `: ${named.slice(0, NAMED).join('、')}${named.length > NAMED ? ' …' : ''}` : ''}`);
  else found.push(`${rows.length} line(s) of text and no table`);
  return `no form found: looked for a 自评表 heading with a 项目名称 or 项目编码 row under it; found ${found.join(', and ')}. `
    + `If the forms are there, they may be scans inside pages with text, or printed with other labels; ${next}`;
}
