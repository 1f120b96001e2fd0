import type { ExtractedDocument, Row } from '../../model/table.js';
import { DocumentError } from '../errors.js';
import type { Matrix } from './geometry.js';
import { readGraphics, type Ops, type PageView } from './graphics.js';
import { findTables } from './lattice.js';
import { joinText, LABEL_LIKE, layoutPage, type LaidOutRow } from './layout.js';
import { DOCUMENT_OPTIONS, loadPdfJs } from './pdfjs.js';
import type { FontLookup, FontMetrics } from './shown-text.js';
import { readText } from './text.js';

type OperatorList = Awaited<ReturnType<import('pdfjs-dist/legacy/build/pdf.mjs').PDFPageProxy['getOperatorList']>>;

function isIndicatorHeader(cells: readonly string[]): boolean {
  const compact = cells.map((c) => c.replace(/\s+/g, ''));
  return compact.includes('一级指标') && (compact.includes('三级指标') || compact.includes('二级指标'));
}

/** Two printings of one label, one of them perhaps cut by the page edge: "效益指标 (40分)", "益指标 (40分)". */
function sameLabel(a: string, b: string): boolean {
  const x = a.replace(/\s+/g, '');
  const y = b.replace(/\s+/g, '');
  return x.length >= 2 && y.length >= 2 && (x.includes(y) || y.includes(x));
}

/** The previous page's last table row, as far as the next page needs it. */
interface PageEnd {
  spans: LaidOutRow['spans'];
  bottom: LaidOutRow['bottom'];
}

/**
 * A page's first table row against the previous page's last: cells the page break cut in two (a
 * tall row split, a label wrapped over the break) go on from the previous page's part, and a
 * merged cell running over the break keeps its label once, in its first row — LibreOffice prints
 * the label on both pages (sometimes cut by the page edge), or only on the page where its middle
 * falls. Cells taken are emptied here; true when nothing is left of the row.
 */
function continueFrom(end: PageEnd, row: LaidOutRow): boolean {
  const bottom = end.bottom;
  if (!bottom || bottom.length !== row.cells.length) return false;
  row.cells.forEach((text, i) => {
    const target = bottom[i];
    if (text === '' || !target) return;
    const before = target.cells[target.index]!;
    const spansBreak = end.spans[i] !== 'own' || row.spans[i] === 'below';
    if (target.open && row.openAbove?.[i]) {
      if (before !== text) target.cells[target.index] = joinText(before, text);
    } else if (spansBreak && LABEL_LIKE(text) && before === '') {
      target.cells[target.index] = text;
    } else if (!(spansBreak && LABEL_LIKE(text) && sameLabel(before, text))) return;
    row.cells[i] = '';
  });
  return row.cells.every((c) => c === '');
}

/**
 * The document's fonts as pdf.js loaded them for the operator list, read once each (a font that
 * failed to load is resolved with its error instead, and reads as unknown).
 */
function fontsOf(objs: { has(id: string): boolean; get(id: string): unknown }): FontLookup {
  const known = new Map<string, FontMetrics>();
  return (name) => {
    const seen = known.get(name);
    if (seen) return seen;
    const font = objs.has(name) ? (objs.get(name) as Partial<FontMetrics> | string | null) : null;
    const metrics = font !== null && typeof font === 'object' && Array.isArray(font.fontMatrix)
      ? { name: typeof font.name === 'string' && font.name !== '' ? font.name : name, fontMatrix: font.fontMatrix, vertical: font.vertical === true }
      : undefined;
    if (metrics) known.set(name, metrics); // not yet loaded: asked again later
    return metrics;
  };
}

/** Why pdf.js could not open the file, in one line. */
function openError(error: unknown): DocumentError {
  const name = (error as { name?: string }).name;
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'PasswordException') return new DocumentError('encrypted PDF: a password is required to open it');
  if (name === 'InvalidPDFException') return new DocumentError('not a valid PDF (corrupt or truncated)');
  return new DocumentError(`cannot read PDF: ${message.split('\n')[0]}`);
}

/**
 * A PDF → the table model, rebuilt from the page itself: ruling lines (lattice) give each
 * table's grid and its merged cells, text is placed in the cells by position, free text (titles,
 * notes) stays in reading order, page numbers go, and a table that continues on the next page
 * simply continues (its repeated header row dropped). Font code is never evaluated.
 */
export async function extractPdf(bytes: Uint8Array): Promise<ExtractedDocument> {
  const { getDocument, OPS } = await loadPdfJs();
  let doc;
  try {
    // pdf.js takes ownership of the buffer it is given
    doc = await getDocument({ ...DOCUMENT_OPTIONS, data: new Uint8Array(bytes) }).promise;
  } catch (error) {
    throw openError(error);
  }
  try {
    const rows: Row[] = [];
    let anyText = false;
    let anyImage = false;
    let header: string | null = null; // the indicator header of the block in progress
    let lastRuled: PageEnd | null = null; // the previous page's last table row
    let fonts: FontLookup | null = null;
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      fonts ??= fontsOf(page.commonObjs); // one for the document
      const viewport = page.getViewport({ scale: 1 });
      const view: PageView = { transform: viewport.transform as unknown as Matrix, width: viewport.width, height: viewport.height };
      let ops: OperatorList | null = await page.getOperatorList();
      const graphics = readGraphics(ops.fnArray, ops.argsArray, view, OPS as unknown as Ops, fonts);
      ops = null; // pdf.js's page data is large: let it go now, not when the next page is in
      const { runs, clipped } = readText(graphics.shown);
      anyText ||= runs.length > 0;
      anyImage ||= graphics.hasImages;
      const laid: LaidOutRow[] = layoutPage(findTables(graphics.rules), runs, clipped, view.width, view.height);
      let firstRuled = true;
      for (const row of laid) {
        const signature = row.cells.join('\t');
        if (row.ruled && firstRuled && p > 1 && header !== null && signature === header) {
          firstRuled = false;
          continue; // the header row repeated at the top of a continuation page
        }
        if (row.ruled && firstRuled && lastRuled && continueFrom(lastRuled, row)) {
          lastRuled.bottom = row.bottom; // the whole row went on: it may go on again
          firstRuled = false;
          continue;
        }
        if (row.ruled) firstRuled = false;
        if (isIndicatorHeader(row.cells)) header = signature;
        if (/^总\s*分/.test(row.cells.find((c) => c !== '') ?? '')) header = null;
        rows.push({ line: rows.length + 1, page: p, cells: row.cells, ruled: row.ruled });
        if (row.ruled) lastRuled = { spans: row.spans, bottom: row.bottom };
      }
      page.cleanup();
    }
    if (!anyText) {
      throw new DocumentError(anyImage ? 'no text layer (scanned document)' : 'no text in PDF');
    }
    return { format: 'pdf', pages: doc.numPages, encoding: null, rows };
  } finally {
    await doc.destroy();
  }
}
