import type { ExtractedDocument, Row } from '../../model/table.js';
import { gridRows, type GridCell } from '../grid.js';
import { cleanCell } from '../text.js';
import { readWord97, type RowDefinition } from './word97.js';

interface DocRow { cells: string[]; definition: RowDefinition | null }

/** Boundaries of different rows this close (twips; 1 pt = 20) are one grid line: writers round. */
const EDGE_TOLERANCE = 30;

/**
 * A Word 97–2003 document (.doc, WPS .wps) → the table model. Its text is one character stream:
 * a paragraph ends at \r, a table cell at \x07, a row at the \x07 whose paragraph properties say
 * "row end" and carry the row's cell boundaries and merges. Cells become grid cells (columns from
 * the boundaries of all the table's rows, vertical merges as spans down); the paragraphs around
 * the tables become lines. Field codes are dropped, their results kept.
 */
export function extractDoc(bytes: Uint8Array): ExtractedDocument {
  const { text, paragraphAt } = readWord97(bytes);
  const rows: Row[] = [];
  let line = 0;
  let tables = 0;
  let table: DocRow[] = [];
  let cells: string[] = [];
  let cell: string[] = [];
  let paragraph = '';
  const fields: Array<'code' | 'result'> = [];
  const closeTable = () => {
    if (table.length === 0) return;
    rows.push(...tableRows(table, tables++, line));
    line += table.length;
    table = [];
  };
  for (let cp = 0; cp < text.length; cp++) {
    const c = text.charCodeAt(cp);
    if (c === 0x13) { fields.push('code'); continue; }
    if (c === 0x14) { if (fields.length > 0) fields[fields.length - 1] = 'result'; continue; }
    if (c === 0x15) { fields.pop(); continue; }
    if (fields.includes('code')) continue;
    if (c !== 0x0d && c !== 0x07) {
      paragraph += c === 0x0b ? '\n' : c === 0x09 || c === 0xa0 ? ' ' : c === 0x1e ? '-' : c < 0x20 ? '' : text[cp];
      continue;
    }
    const properties = paragraphAt(cp);
    const done = cleanCell(paragraph);
    paragraph = '';
    if (properties.depth === 0) {
      closeTable();
      if (done !== '') rows.push({ line: ++line, page: null, cells: [done], positions: 'inferred', spans: null, table: null });
      continue;
    }
    if (done !== '') cell.push(done);
    if (properties.depth > 1 || c === 0x0d) continue; // a paragraph inside a cell, or a nested table's text: the outer cell's
    if (properties.rowEnd) {
      table.push({ cells, definition: properties.row });
      cells = [];
    } else cells.push(cell.join('\n'));
    cell = [];
  }
  closeTable();
  return { format: 'doc', pages: null, encoding: null, rows };
}

/** A table's rows → grid cells: columns where the rows' boundaries fall, vertical merges down. */
function tableRows(table: DocRow[], index: number, before: number): Row[] {
  const edges: number[] = [];
  for (const { definition } of table) {
    for (const x of definition?.edges ?? []) if (!edges.some((e) => Math.abs(e - x) <= EDGE_TOLERANCE)) edges.push(x);
  }
  edges.sort((a, b) => a - b);
  const column = (x: number) => edges.findIndex((e) => Math.abs(e - x) <= EDGE_TOLERANCE);
  const grid: GridCell[] = [];
  const open = new Map<number, GridCell>(); // grid column → the vertically merged cell running there
  let width = 1;
  table.forEach(({ cells, definition }, r) => {
    let last: GridCell | null = null;
    cells.forEach((text, i) => {
      const left = definition && i + 1 < definition.edges.length ? column(definition.edges[i]!) : null;
      const right = definition && i + 1 < definition.edges.length ? column(definition.edges[i + 1]!) : null;
      const col = left ?? (last ? last.col + last.cols : 0);
      const cols = left !== null && right !== null && right > left ? right - left : 1;
      width = Math.max(width, col + cols);
      if (definition?.across[i] === 'merged' && last) { // legacy horizontal merge: the first cell widens
        last.cols = col + cols - last.col;
        if (text !== '') last.text = last.text === '' ? text : `${last.text}\n${text}`;
        return;
      }
      const above = open.get(col);
      if (definition?.down[i] === 'continue' && above) {
        above.rows = r - above.row + 1;
        return;
      }
      last = { row: r, col, rows: 1, cols, text };
      grid.push(last);
      if (definition?.down[i] === 'restart') open.set(col, last);
      else open.delete(col);
    });
  });
  return gridRows(grid, table.length, width, index, (r) => before + r + 1, null);
}
