import type { RowSense } from '../sense.js';
import { confidences, splitRun, type LaidOutRow } from './cells.js';
import type { TextRun } from './geometry.js';
import { TABLE_SETTINGS as S } from './settings.js';
import type { TableStrategy } from './strategy.js';

const NUMBER_LIKE = /^([-+]?[\d,]+(\.\d+)?%?|[\/／—–\-－])$/;

const mid = (r: TextRun) => (r.y0 + r.y1) / 2;
const centre = (r: TextRun) => (r.x0 + r.x1) / 2;

interface Line {
  runs: TextRun[];
  y: number;
  size: number;
}

function toLines(runs: readonly TextRun[]): Line[] {
  const sorted = [...runs].sort((a, b) => mid(a) - mid(b) || a.x0 - b.x0);
  const lines: Line[] = [];
  for (const run of sorted) {
    const last = lines[lines.length - 1];
    if (last && Math.abs(mid(run) - last.y) <= Math.max(last.size, run.size) * S.lineOverlap) last.runs.push(run);
    else lines.push({ runs: [run], y: mid(run), size: run.size });
  }
  for (const l of lines) l.runs.sort((a, b) => a.x0 - b.x0);
  return lines;
}

/** A header line names three columns at least. */
const isHeader = (line: Line, sense: RowSense) => line.runs.filter((r) => sense.isColumnLabel(r.text)).length >= 3;

/**
 * Columns of an unruled table from its header line — and from pieces of wrapped header labels
 * just above or below it ("年度指标" / "值"), which are columns of their own.
 */
function columnsOf(header: Line, neighbours: readonly Line[]): Array<[number, number]> {
  const spans: Array<[number, number]> = header.runs.map((r) => [r.x0, r.x1]);
  for (const line of neighbours) {
    if (Math.abs(line.y - header.y) > header.size * S.headerWrapLines) continue;
    for (const r of line.runs) {
      if (r.text.trim().length <= 6 && !NUMBER_LIKE.test(r.text.trim()) && !spans.some(([a, b]) => r.x0 < b && r.x1 > a)) spans.push([r.x0, r.x1]);
    }
  }
  spans.sort((a, b) => a[0] - b[0]);
  // Pieces stacked at the same place, or printed as one word in two runs, are one column.
  const merged: Array<[number, number]> = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s[0] < last[1] + header.size * S.headerJoinEms) last[1] = Math.max(last[1], s[1]);
    else merged.push([...s]);
  }
  return merged;
}


/**
 * pdf.js joins a label and the number in the next column when they share a baseline
 * ("总额596.74"): where a run crosses a column boundary and turns from text to a number there,
 * it is two cells. A label merely wider than its column ("产出指标(60分)") stays whole.
 */
function splitLabelFromNumber(run: TextRun, boundaries: readonly number[]): TextRun[] {
  const m = /^(.*[^\d.,\s+-])\s*([-+]?\d[\d,]*(\.\d+)?%?)$/.exec(run.text);
  if (!m) return [run];
  const crossing = boundaries.find((b) => b > run.x0 + run.size && b < run.x1 - run.size * 0.5);
  if (crossing === undefined) return [run];
  const [label, number] = [m[1]!, m[2]!];
  const pieces = splitRun(run, [crossing]);
  return pieces.length === 2 ? [{ ...pieces[0]!, text: label, centres: undefined }, { ...pieces[1]!, text: number, centres: undefined }] : [run];
}

/**
 * Runs that touch on a line are one piece of text: pdf.js cuts a label wherever the font or a
 * radical changes ("年度资" "金" "总额"), and a cut piece must not fall into the next column.
 */
function joinTouching(runs: readonly TextRun[]): TextRun[] {
  const out: TextRun[] = [];
  for (const run of [...runs].sort((a, b) => mid(a) - mid(b) || a.x0 - b.x0)) {
    const last = out[out.length - 1];
    if (last && Math.abs(mid(last) - mid(run)) <= last.size * S.lineOverlap && run.x0 - last.x1 < last.size * S.touchingEms && run.x0 >= last.x0) {
      const centres = last.centres && run.centres ? [...last.centres, ...run.centres] : undefined;
      out[out.length - 1] = { ...last, text: last.text + run.text, x1: Math.max(last.x1, run.x1), y0: Math.min(last.y0, run.y0), y1: Math.max(last.y1, run.y1), centres };
    } else out.push(run);
  }
  return out;
}

function columnIndex(columns: ReadonlyArray<readonly [number, number]>, x: number): number {
  for (let i = 0; i < columns.length - 1; i++) {
    if (x < (columns[i]![1] + columns[i + 1]![0]) / 2) return i;
  }
  return columns.length - 1;
}


/**
 * Without rules a merged label cell is only its text, printed level with the middle of its rows,
 * whereas the table model puts it on the first. Where a group column's first body row is empty
 * although labels follow (so its labels are centred, not top-aligned), a label with k empty
 * cells above it that are not yet any group's, and k empty cells below, heads the rows from
 * k above. (A label centred between the two rows of an even group stays where pdf.js put it.)
 */
function raiseCentredLabels(table: LaidOutRow[], sense: RowSense): void {
  const start = table.findIndex((row) => row.cells.some((c) => sense.isGroupColumn(c)));
  if (start < 0) return;
  const header = table[start]!.cells;
  const end = table.findIndex((row, i) => i > start && sense.closes(row.cells));
  const body = table.slice(start + 1, end < 0 ? table.length : end);
  header.forEach((label, col) => {
    if (!sense.isGroupColumn(label) || body.length === 0 || body[0]!.cells[col] !== '') return;
    let free = 0; // empty cells above the current row that belong to no group yet
    body.forEach((row, r) => {
      if (row.cells[col] === '') {
        free++;
        return;
      }
      let k = 0;
      while (k < free && body[r + k + 1]?.cells[col] === '') k++;
      if (k > 0) {
        body[r - k]!.cells[col] = row.cells[col]!;
        row.cells[col] = '';
      }
      free = -k; // the k empty rows below are this label's
    });
  });
}

/**
 * Stream fallback for a page without ruling lines: each run of lines under a header line (≥ 3
 * known column labels) is a table whose columns are the header's; a line with numbers in two
 * columns (or the header itself) starts a row, and the lines of wrapped cells around it join
 * the nearest such row. The runs of other lines come back as `rest`.
 */
export function streamTables(runs: readonly TextRun[], sense: RowSense): { rows: LaidOutRow[]; rest: TextRun[] } {
  const lines = toLines(runs);
  const headers = lines.map((l, i) => (isHeader(l, sense) ? i : -1)).filter((i) => i >= 0);
  const rows: LaidOutRow[] = [];
  const claimed = new Set<number>();
  headers.forEach((h, k) => {
    const header = lines[h]!;
    const end = k + 1 < headers.length ? headers[k + 1]! - 1 : lines.length;
    const neighbours = [lines[h - 1], lines[h + 1]].filter((l): l is Line => l !== undefined);
    const columns = columnsOf(header, neighbours);
    // Body lines: from just above the header (its wrapped pieces) to the next header or 总分.
    let last = h;
    for (let i = h + 1; i < end; i++) {
      if (lines[i]!.runs.some((r) => sense.endsTable(r.text))) break;
      last = i;
      if (lines[i]!.runs.some((r) => sense.closes([r.text.trim()]))) break;
    }
    const first = h > 0 && Math.abs(lines[h - 1]!.y - header.y) <= header.size * 1.6 ? h - 1 : h;
    const section = lines.slice(first, last + 1);
    const anchors = section.filter((l) => l === header
      || new Set(l.runs.filter((r) => NUMBER_LIKE.test(r.text.trim())).map((r) => columnIndex(columns, centre(r)))).size >= 2
      || l.runs.some((r) => sense.closes([r.text.trim()])));
    const members = new Map<Line, TextRun[]>(anchors.map((a) => [a, [] as TextRun[]]));
    for (const line of section) {
      const nearest = anchors.reduce((best, a) => (Math.abs(a.y - line.y) < Math.abs(best.y - line.y) ? a : best));
      members.get(nearest)!.push(...line.runs);
    }
    const boundaries = columns.slice(1).map((c, i) => (columns[i]![1] + c[0]) / 2);
    const table: LaidOutRow[] = [];
    for (const [anchor, own] of members) {
      const cells = columns.map(() => [] as TextRun[]);
      const pieces = joinTouching(own).flatMap((r) => splitLabelFromNumber(r, boundaries));
      for (const r of pieces.sort((a, b) => mid(a) - mid(b) || a.x0 - b.x0)) cells[columnIndex(columns, centre(r))]!.push(r);
      table.push({ top: anchor.y, cells: cells.map((c) => c.map((r) => r.text.trim()).join('')), ruled: true, spans: cells.map(() => 'own'), ...confidences(cells) });
    }
    raiseCentredLabels(table, sense);
    rows.push(...table);
    for (let i = first; i <= last; i++) claimed.add(i);
  });
  return { rows, rest: lines.filter((_, i) => !claimed.has(i)).flatMap((l) => l.runs) };
}

/** The stream strategy: for pages without ruling lines, tables under their header lines. */
export const stream: TableStrategy = {
  name: 'stream',
  tables: (page, sense) => streamTables(page.runs, sense),
};
