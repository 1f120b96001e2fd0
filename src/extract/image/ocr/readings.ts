import type { LaidOutRow } from '../../pdf/cells.js';
import type { RowSense } from '../../sense.js';

/**
 * A scanned page's cells read knowing the form (through RowSense): a cell that misreads one of
 * the form's labels (一级指标 read -级指标) is the label; a cell in a numeric column (amounts,
 * 分值, 得分, rates — by the header above it) is read in the numeric alphabet, and a decimal
 * comma there is a point. Each corrected cell keeps what the recogniser read (`recognised`), for
 * the record's flags; free text is never rewritten.
 */

/** At or above this lowest character confidence, a reading one substitution from a label is taken as printed (an indicator may be named like a label). */
const SURE = 0.98;
/** A number as a numeric column prints it. */
const NUMBER = /^[-+]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?%?$/;
/** A decimal comma the recogniser read for the point: 0,00 and 1,560,00 (a thousands comma has three digits after it). */
const DECIMAL_COMMA = /,(\d{1,2}%?)$/;
/** A stroke alone in a numeric cell is its dash (—): 一 and ー are the same stroke. */
const STROKE = /^[一ー_－]$/;
const CJK = /[\u3400-\u9fff]/;

/** Whether `reading`'s characters all stand, in order, in `label`: the recogniser only dropped some. */
function within(reading: string, label: string): boolean {
  const want = Array.from(label);
  let j = 0;
  for (const ch of reading.replace(/\s+/g, '')) {
    while (j < want.length && want[j] !== ch) j++;
    if (j === want.length) return false;
    j++;
  }
  return true;
}

/** What a numeric cell says, or null when the reading is left as it is. */
function asNumber(text: string, digits: string | null): string | null {
  const t = text.trim();
  if (STROKE.test(t)) return '—';
  if (CJK.test(t)) return null; // words (不适用) or a number with its unit: as printed
  // The numeric alphabet's reading only where the recogniser's has other characters (o for 0).
  const misread = !/^[\d.,%\-+\s]*$/.test(t);
  const candidate = misread && digits !== null && /\d/.test(digits) ? digits : t;
  const number = candidate.replace(DECIMAL_COMMA, '.$1');
  return number !== t && NUMBER.test(number) && /\d/.test(number) ? number : null;
}

/** The rows of one scanned page, each cell corrected where the form says what it must be. */
export function formReadings(rows: readonly LaidOutRow[], sense: RowSense): LaidOutRow[] {
  // Per table of the page: which grid columns hold numbers, by the latest header row over them.
  const numericColumns = new Map<number, Map<number, boolean>>();
  return rows.map((row) => {
    if (row.confidence === undefined) return row;
    const cells = [...row.cells];
    // A sign taken by its shape when the page was read already says what the recogniser read.
    const recognised: Array<string | null> = cells.map((_, i) => row.recognised?.[i] ?? null);
    const correct = (i: number, text: string | null) => {
      if (text === null || text === cells[i]) return;
      recognised[i] ??= cells[i]!;
      cells[i] = text;
    };
    cells.forEach((text, i) => {
      const confidence = row.confidence![i];
      if (text === '' || confidence === null || confidence === undefined) return;
      const label = sense.label(text);
      if (label !== null && (confidence < SURE || within(text, label))) correct(i, label);
    });
    const grid = row.grid;
    if (grid !== undefined && row.table !== undefined) {
      const columns = numericColumns.get(row.table) ?? new Map<number, boolean>();
      numericColumns.set(row.table, columns);
      if (sense.opens(cells) === 'data') {
        cells.forEach((text, i) => {
          for (let c = grid[i]!.col; c < grid[i]!.col + grid[i]!.cols; c++) columns.set(c, sense.isNumericColumn(text));
        });
      } else {
        cells.forEach((text, i) => {
          if (text === '' || row.confidence![i] === null) return;
          const span = grid[i]!;
          let numeric = true;
          for (let c = span.col; c < span.col + span.cols; c++) numeric &&= columns.get(c) === true;
          if (numeric) correct(i, asNumber(text, row.digits?.[i] ?? null));
        });
      }
    }
    return recognised.some((r) => r !== null) ? { ...row, cells, recognised } : row;
  });
}
