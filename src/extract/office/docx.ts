import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { ExtractedDocument, Row } from '../../model/table.js';
import { DocumentError } from '../errors.js';
import { gridRows, type GridCell } from '../grid.js';
import { cleanCell } from '../text.js';
import { readZip } from '../archive/zip.js';

interface Cell {
  col: number;
  cols: number;
  /** w:vMerge: 'restart' opens a vertically merged cell, 'continue' goes on with the one above. */
  vMerge: 'restart' | 'continue' | null;
  text: string[];
}

interface Table {
  rows: Cell[][];
  row: Cell[] | null;
  cell: Cell | null;
  col: number;
}

/**
 * A Word document (.docx) → the table model: every table with its merged cells as spans
 * (w:gridSpan across, w:vMerge down), paragraphs inside a cell joined by line breaks, and the
 * paragraphs around the tables as lines (titles, （2022年度）, 单位：万元). Parsed by saxes, a
 * streaming XML parser that resolves no external entities and reads no DTD.
 */
export function extractDocx(bytes: Buffer): ExtractedDocument {
  const member = readZip(bytes).find((m) => m.name === 'word/document.xml');
  if (!member) throw new DocumentError('not a Word document: the archive holds no word/document.xml');
  const xml = member.read().toString('utf8');
  const rows: Row[] = [];
  let line = 0;
  let tables = 0;
  let paragraph: string[] = [];
  let inText = false;
  const stack: Table[] = [];
  const flushParagraph = () => {
    const text = cleanCell(paragraph.join(''));
    paragraph = [];
    const table = stack[stack.length - 1];
    if (table?.cell) table.cell.text.push(text);
    else if (stack.length > 0) return; // text of a nested table's cell joins its outer cell below
    else if (text !== '') rows.push({ line: ++line, page: null, cells: [text], positions: 'inferred', spans: null, table: null });
  };
  const parser = new SaxesParser();
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const attr = (name: string) => tag.attributes[name] as string | undefined;
    const table = stack[stack.length - 1];
    switch (tag.name) {
      case 'w:tbl':
        stack.push({ rows: [], row: null, cell: null, col: 0 }); // a table nested in a cell gives that cell its text
        break;
      case 'w:tr':
        if (table) {
          table.row = [];
          table.col = 0;
        }
        break;
      case 'w:gridBefore':
        if (table) table.col += Number(attr('w:val') ?? 0) || 0;
        break;
      case 'w:tc':
        if (table) table.cell = { col: table.col, cols: 1, vMerge: null, text: [] };
        break;
      case 'w:gridSpan':
        if (table?.cell) table.cell.cols = Math.min(1000, Math.max(1, Number(attr('w:val') ?? 1) || 1));
        break;
      case 'w:vMerge':
        if (table?.cell) table.cell.vMerge = attr('w:val') === 'restart' ? 'restart' : 'continue';
        break;
      case 'w:t':
        inText = true;
        break;
      case 'w:tab':
        paragraph.push(' ');
        break;
      case 'w:br': case 'w:cr':
        paragraph.push('\n');
        break;
    }
  });
  parser.on('text', (text: string) => {
    if (inText) paragraph.push(text);
  });
  parser.on('closetag', (tag: SaxesTagPlain) => {
    const table = stack[stack.length - 1];
    switch (tag.name) {
      case 'w:t':
        inText = false;
        break;
      case 'w:p':
        flushParagraph();
        break;
      case 'w:tc':
        if (table?.cell && table.row) {
          table.row.push(table.cell);
          table.col += table.cell.cols;
        }
        if (table) table.cell = null;
        break;
      case 'w:tr':
        if (table?.row) table.rows.push(table.row);
        if (table) table.row = null;
        break;
      case 'w:tbl': {
        const done = stack.pop()!;
        const parent = stack[stack.length - 1];
        if (parent?.cell) parent.cell.text.push(...done.rows.flat().flatMap((c) => c.text));
        else if (stack.length === 0) rows.push(...tableRows(done, tables++, line, (n) => { line = n; }));
        break;
      }
    }
  });
  try {
    parser.write(xml).close();
  } catch (error) {
    throw new DocumentError(`not a readable Word document: ${(error as Error).message.split('\n')[0]}`);
  }
  return { format: 'docx', pages: null, encoding: null, rows };
}

/** A Word table's cells → grid cells: a w:vMerge continuation lengthens the cell it continues. */
function tableRows(table: Table, index: number, before: number, setLine: (n: number) => void): Row[] {
  const cells: GridCell[] = [];
  const open = new Map<number, GridCell>(); // column → the vertically merged cell running there
  let width = 0;
  table.rows.forEach((row, r) => {
    for (const c of row) {
      width = Math.max(width, c.col + c.cols);
      const above = open.get(c.col);
      if (c.vMerge === 'continue' && above) {
        above.rows = r - above.row + 1;
        continue;
      }
      const cell: GridCell = { row: r, col: c.col, rows: 1, cols: c.cols, text: c.text.filter((t) => t !== '').join('\n') };
      cells.push(cell);
      if (c.vMerge === 'restart') open.set(c.col, cell);
      else open.delete(c.col);
    }
  });
  setLine(before + table.rows.length);
  return gridRows(cells, table.rows.length, width, index, (r) => before + r + 1, null);
}
