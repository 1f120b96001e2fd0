import { isIndicatorHeader } from '../form/columns.js';
import { YEAR_LINE } from '../form/vocabulary.js';
import type { Block, ExtractedDocument, Row } from '../model/table.js';
import { headingText, isClosingRow, isFormHeaderRow, isInstructionsRow, isTotalRow, yearOf } from './headings.js';

/** How far below a heading the form's 项目名称/项目编码 row may start. */
const HEADER_LOOKAHEAD = 6;
/** Lines of page furniture (a running head, a footer) a table may have between its part on one page and the next. */
const PAGE_FURNITURE_LINES = 3;

/** The free text from `at` on is page furniture: within a few lines, a table row on a later page than `last` follows. */
function continuesAfter(rows: readonly Row[], at: number, last: Row): boolean {
  for (let i = at; i < Math.min(rows.length, at + PAGE_FURNITURE_LINES + 1); i++) {
    const row = rows[i]!;
    if (row.positions === 'exact') return row.page !== null && last.page !== null && row.page > last.page;
  }
  return false;
}

function confirmedForm(rows: readonly Row[], from: number): boolean {
  for (let i = from; i < Math.min(rows.length, from + HEADER_LOOKAHEAD); i++) {
    if (isFormHeaderRow(rows[i]!)) return true;
    if (headingText(rows[i]!) !== null) return false;
  }
  return false;
}

/** A line of its own under the heading giving the year: "（2022年度）", "2022年度". */
function yearLine(rows: readonly Row[], from: number): number | null {
  for (let i = from; i < Math.min(rows.length, from + HEADER_LOOKAHEAD) && !isFormHeaderRow(rows[i]!); i++) {
    const cells = rows[i]!.cells.filter((c) => c !== '');
    const m = cells.length === 1 ? YEAR_LINE.exec(cells[0]!) : null;
    if (m) return Number(m[1]);
  }
  return null;
}

/**
 * Find every 自评表 block: it opens at its heading (or, without one, at a 项目名称/项目编码 row)
 * and closes at its 总分 row (or 合计 after the indicators), at 填报说明, at the next heading or form, or at the end of the file.
 * Headings of other tables (收入支出决算总表 …) never open a block: a block needs a form header.
 */
export function segment(doc: ExtractedDocument): Block[] {
  const { rows } = doc;
  const blocks: Block[] = [];
  let i = 0;
  while (i < rows.length) {
    const title = headingText(rows[i]!);
    const opensWithHeading = title !== null && confirmedForm(rows, i + 1);
    if (!opensWithHeading && !isFormHeaderRow(rows[i]!)) {
      i++;
      continue;
    }
    const start = i;
    let end = i + 1; // exclusive
    let sawFormHeader = !opensWithHeading;
    let sawIndicators = false;
    let lastTableRow: Row | null = null; // the indicator table's last row so far, when it is a table's own
    while (end < rows.length) {
      const row = rows[end]!;
      if (isInstructionsRow(row) || headingText(row) !== null) break;
      if (lastTableRow !== null) {
        // A form's indicator table ends with the table: what the page prints after it (an
        // article's issuer, date, attachments, links, the site's footer) is none of its rows —
        // but for a line or two of page furniture between a table and its continuation on the next page.
        if (row.positions === 'exact') lastTableRow = row;
        else if (!continuesAfter(rows, end, lastTableRow)) break;
      }
      if (isFormHeaderRow(row)) {
        if (sawFormHeader) break; // a second form without a heading of its own
        sawFormHeader = true;
      }
      if (!sawIndicators && isIndicatorHeader(row.cells)) {
        sawIndicators = true;
        if (row.positions === 'exact') lastTableRow = row;
      }
      end++;
      // 总分 closes a form; so does 合计 once its indicators have begun (above them it is a funding line).
      if (isTotalRow(row) || (sawIndicators && isClosingRow(row))) break;
    }
    blocks.push({
      index: blocks.length,
      title: opensWithHeading ? title : null,
      headingYear: opensWithHeading ? yearOf(rows[start]!.cells.find((c) => c !== '') ?? '') ?? yearLine(rows, start + 1) : null,
      rows: rows.slice(start, end),
    });
    i = end;
  }
  return blocks;
}
