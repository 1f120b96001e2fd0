import type { CellSpan, Row } from '../model/table.js';
import { cleanCell } from './text.js';

/** A merged (or single) cell of a table whose structure the file states: spreadsheet, HTML. */
export interface GridCell {
  /** First row and column, and how many it covers (in the table's visible grid). */
  row: number;
  col: number;
  rows: number;
  cols: number;
  text: string;
}

/**
 * A table given as cells with exact spans → rows of the table model: per grid row, each cell it
 * meets left to right, a merged cell's text on its first row and `continued` below it, a
 * horizontally merged cell once. Rows with no text are left out.
 */
export function gridRows(cells: readonly GridCell[], height: number, width: number, table: number, line: (row: number) => number, page: number | null): Row[] {
  const at: Array<Array<GridCell | undefined>> = Array.from({ length: height }, () => new Array<GridCell | undefined>(width));
  for (const cell of cells) {
    for (let r = cell.row; r < Math.min(height, cell.row + cell.rows); r++) {
      for (let c = cell.col; c < Math.min(width, cell.col + cell.cols); c++) at[r]![c] ??= cell;
    }
  }
  const rows: Row[] = [];
  for (let r = 0; r < height; r++) {
    const texts: string[] = [];
    const spans: CellSpan[] = [];
    let last: GridCell | undefined;
    for (let c = 0; c < width; c++) {
      const cell = at[r]![c] ?? { row: r, col: c, rows: 1, cols: 1, text: '' };
      if (cell === last) continue;
      last = cell;
      const continued = cell.row !== r;
      texts.push(continued ? '' : cleanCell(cell.text));
      spans.push({
        col: cell.col, cols: Math.min(cell.cols, width - cell.col), rows: Math.min(cell.rows, height - cell.row), continued,
        openTop: false, openBottom: false, box: null,
      });
    }
    if (texts.every((t) => t === '')) continue;
    rows.push({ line: line(r), page, cells: texts, positions: 'exact', spans, table });
  }
  return rows;
}
