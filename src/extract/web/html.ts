import { parse } from 'parse5';
import type { ExtractedDocument, Row } from '../../model/table.js';
import { decodeText } from '../encoding.js';
import { DocumentError } from '../errors.js';
import { gridRows, type GridCell } from '../grid.js';
import { cleanCell } from '../text.js';

type Node = {
  nodeName: string;
  value?: string;
  attrs?: Array<{ name: string; value: string }>;
  childNodes?: Node[];
  content?: Node;
};

/** Bounds on what a page may ask for: spans beyond these are the page's mistake (or an attack). */
const MAX_COLSPAN = 1000;
const MAX_ROWSPAN = 1000;
const MAX_TABLE_CELLS = 1_000_000;

/** Elements whose text a reader never sees. */
const UNSEEN = new Set(['head', 'script', 'style', 'noscript', 'template', 'iframe', 'object', 'svg', 'select', 'option']);
/** Elements that start a new line of text. */
const BLOCK = new Set(['p', 'div', 'br', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'tr', 'section', 'article', 'header', 'footer', 'center', 'blockquote', 'dt', 'dd', 'hr']);

const attr = (node: Node, name: string) => node.attrs?.find((a) => a.name === name)?.value;
const hidden = (node: Node) => /display\s*:\s*none|visibility\s*:\s*hidden/i.test(attr(node, 'style') ?? '') || attr(node, 'hidden') !== undefined;

/**
 * The page's charset: a BOM, then `<meta charset>` or `http-equiv` in its head, then the HTTP
 * header's (`declared`), else sniffed like a text report (UTF-8 or GB18030, which covers GBK and
 * GB2312, common on government sites).
 */
export function decodeHtml(bytes: Uint8Array, declared: string | null = null): { text: string; encoding: string } {
  if (bytes.length === 0) throw new DocumentError('empty file (0 bytes)');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
  const meta = /<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)/i.exec(head)?.[1] ?? declared;
  if (meta) {
    const label = /^(gb2312|gbk|gb18030|x-gbk)$/i.test(meta) ? 'gb18030' : meta.toLowerCase();
    try {
      return { text: new TextDecoder(label).decode(bytes), encoding: label };
    } catch {
      // an unknown label: sniff instead
    }
  }
  const { text, encoding } = decodeText(bytes);
  return { text, encoding };
}

/**
 * Text as a reader sees it, line breaks where <br>, <p>, <div> break, into `out`. `onTable`, when
 * given, takes each visible table instead (the page's tables); without it a table is text (a
 * table nested in a cell).
 */
function textOf(node: Node, out: string[], onTable?: (table: Node) => void): void {
  if (node.nodeName === '#text') {
    out.push(node.value ?? '');
    return;
  }
  if (node.nodeName.startsWith('#comment') || UNSEEN.has(node.nodeName) || hidden(node)) return;
  if (onTable && node.nodeName === 'table') {
    onTable(node);
    return;
  }
  const block = BLOCK.has(node.nodeName);
  if (block) out.push('\n');
  for (const child of node.childNodes ?? []) textOf(child, out, onTable);
  if (block) out.push('\n');
}

/** The rows of a table element (through thead/tbody/tfoot, not into nested tables). */
function tableRowsOf(table: Node): Node[] {
  const rows: Node[] = [];
  const walk = (node: Node) => {
    for (const child of node.childNodes ?? []) {
      if (child.nodeName === 'tr' && !hidden(child)) rows.push(child);
      else if (['thead', 'tbody', 'tfoot'].includes(child.nodeName)) walk(child);
    }
  };
  walk(table);
  return rows;
}

const spanOf = (cell: Node, name: string, max: number) => {
  const n = Number.parseInt(attr(cell, name) ?? '1', 10);
  return Number.isFinite(n) && n >= 1 ? Math.min(n, max) : 1;
};

/** A table element → its cells with rowspan/colspan placed on the grid (the HTML table model's own algorithm). */
function tableCells(table: Node): { cells: GridCell[]; height: number; width: number } {
  const trs = tableRowsOf(table);
  const taken: boolean[][] = trs.map(() => []);
  const cells: GridCell[] = [];
  let width = 0;
  let count = 0;
  trs.forEach((tr, r) => {
    let c = 0;
    for (const td of tr.childNodes ?? []) {
      if ((td.nodeName !== 'td' && td.nodeName !== 'th') || hidden(td)) continue;
      while (taken[r]![c]) c++;
      const rows = Math.min(spanOf(td, 'rowspan', MAX_ROWSPAN), trs.length - r);
      const cols = spanOf(td, 'colspan', MAX_COLSPAN);
      count += rows * cols;
      if (count > MAX_TABLE_CELLS) throw new DocumentError(`too large: a table of over ${MAX_TABLE_CELLS} cells`);
      for (let y = r; y < r + rows; y++) for (let x = c; x < c + cols; x++) taken[y]![x] = true;
      const out: string[] = [];
      for (const child of td.childNodes ?? []) textOf(child, out);
      cells.push({ row: r, col: c, rows, cols, text: out.join('').split('\n').map(cleanCell).filter((l) => l !== '').join(' ') });
      c += cols;
      width = Math.max(width, c);
    }
  });
  return { cells, height: trs.length, width };
}

/**
 * A web page (a saved article, an HTML table pasted from Word) → the table model: each table's
 * rows with their exact spans (rowspan/colspan), and the text around the tables as lines (titles,
 * （2022年度）, 单位：万元). Entities are decoded and markup flattened as a reader sees it; script,
 * style and hidden elements are not read.
 */
export function extractHtml(bytes: Uint8Array, declaredCharset: string | null = null): ExtractedDocument {
  const { text, encoding } = decodeHtml(bytes, declaredCharset);
  const document = parse(text) as unknown as Node;
  const rows: Row[] = [];
  let line = 0;
  let tables = 0;
  const pending: string[] = [];
  // Text between the tables, as lines.
  const flush = () => {
    for (const l of pending.join('').split('\n').map(cleanCell)) {
      if (l !== '') rows.push({ line: ++line, page: null, cells: [l], positions: 'inferred', spans: null, table: null });
    }
    pending.length = 0;
  };
  textOf(document, pending, (table) => {
    flush();
    const { cells, height, width } = tableCells(table);
    const start = line;
    rows.push(...gridRows(cells, height, width, tables++, (r) => start + r + 1, null));
    line = start + height;
  });
  flush();
  return { format: 'html', pages: null, encoding, rows };
}
