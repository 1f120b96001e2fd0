import { createRequire } from 'node:module';
import type { ExtractedDocument, Row } from '../../model/table.js';
import { DocumentError } from '../errors.js';
import { gridRows, type GridCell } from '../grid.js';

type SheetJs = typeof import('@e965/xlsx');
let sheetJs: SheetJs | null = null;
/** SheetJS 0.20.3 (the @e965 republication; the registry's xlsx 0.18.5 has CVE-2023-30533 and CVE-2024-22363), loaded on the first workbook. */
const load = (): SheetJs => (sheetJs ??= createRequire(import.meta.url)('@e965/xlsx') as SheetJs);

/** A sheet larger than this many cells is refused: forms are a few thousand; more is a bomb or a data dump. */
export const MAX_SHEET_CELLS = 2_000_000;

/**
 * `read` with the console muted: SheetJS prints a line for every record of a damaged .xls it does
 * not know ("Missing Info for XLS Record 0xbafd" — hundreds of them), which would reach the user's
 * terminal through the worker. What matters of a broken file is the one-line error it ends in.
 */
function quietly<T>(read: () => T): T {
  const { log, warn, error } = console;
  console.log = console.warn = console.error = () => undefined;
  try {
    return read();
  } finally {
    Object.assign(console, { log, warn, error });
  }
}

/**
 * A workbook (.xlsx, .xls BIFF8, WPS .et) → the table model: every visible sheet, in order, its
 * merged ranges as spans, hidden rows and columns left out (they are not printed), each cell as
 * the sheet displays it — its formatted text (`1,454,200.00`, `97.80%`, `#REF!`), a formula by its
 * cached value. Provenance: the sheet is the `page` (1-based), the sheet's row number the `line`.
 */
export function extractSpreadsheet(bytes: Uint8Array, format: 'xlsx' | 'xls'): ExtractedDocument {
  const X = load();
  let workbook;
  try {
    workbook = quietly(() => X.read(bytes, { type: 'buffer', cellStyles: true, cellFormula: false, cellHTML: false, cellNF: false, WTF: false }));
  } catch (error) {
    throw new DocumentError(`not a readable ${format === 'xlsx' ? 'Excel (.xlsx)' : 'Excel 97 (.xls)'} workbook: ${(error as Error).message.split('\n')[0]}`);
  }
  const rows: Row[] = [];
  workbook.SheetNames.forEach((name, index) => {
    if (workbook.Workbook?.Sheets?.[index]?.Hidden) return; // a hidden sheet is not printed
    const sheet = workbook.Sheets[name];
    if (!sheet?.['!ref']) return;
    const range = X.utils.decode_range(sheet['!ref']);
    const height = range.e.r - range.s.r + 1;
    const width = range.e.c - range.s.c + 1;
    if (height * width > MAX_SHEET_CELLS) throw new DocumentError(`too large: sheet "${name}" has ${height * width} cells (limit ${MAX_SHEET_CELLS})`);
    // Visible rows and columns, renumbered from 0: what the sheet prints.
    const visibleRows = rangeOf(range.s.r, range.e.r).filter((r) => !sheet['!rows']?.[r]?.hidden);
    const visibleCols = rangeOf(range.s.c, range.e.c).filter((c) => !sheet['!cols']?.[c]?.hidden);
    const rowAt = new Map(visibleRows.map((r, i) => [r, i]));
    const colAt = new Map(visibleCols.map((c, i) => [c, i]));
    const covered = new Set<string>();
    const cells: GridCell[] = [];
    const text = (r: number, c: number) => {
      const cell = sheet[X.utils.encode_cell({ r, c })];
      if (!cell || cell.v === undefined) return '';
      return cell.w ?? String(cell.v);
    };
    for (const m of sheet['!merges'] ?? []) {
      const rs = visibleRows.filter((r) => r >= m.s.r && r <= m.e.r);
      const cs = visibleCols.filter((c) => c >= m.s.c && c <= m.e.c);
      if (rs.length === 0 || cs.length === 0) continue;
      for (let r = m.s.r; r <= m.e.r; r++) for (let c = m.s.c; c <= m.e.c; c++) covered.add(`${r},${c}`);
      cells.push({ row: rowAt.get(rs[0]!)!, col: colAt.get(cs[0]!)!, rows: rs.length, cols: cs.length, text: text(m.s.r, m.s.c) });
    }
    for (const r of visibleRows) {
      for (const c of visibleCols) {
        if (covered.has(`${r},${c}`)) continue;
        const t = text(r, c);
        if (t !== '') cells.push({ row: rowAt.get(r)!, col: colAt.get(c)!, rows: 1, cols: 1, text: t });
      }
    }
    rows.push(...gridRows(cells, visibleRows.length, visibleCols.length, index, (i) => visibleRows[i]! + 1, index + 1));
  });
  return { format, pages: workbook.SheetNames.length, encoding: null, rows };
}

function rangeOf(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
