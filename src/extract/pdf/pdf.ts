import type { ExtractedDocument, Row } from '../../model/table.js';
import type { RowSense } from '../sense.js';
import { DocumentError } from '../errors.js';
import type { Matrix, Rule, TextRun } from './geometry.js';
import { readGraphics, type Ops, type PageView } from './graphics.js';
import { layoutPage } from './layout.js';
import { TableStitcher } from './page-break.js';
import { DOCUMENT_OPTIONS, loadPdfJs } from './pdfjs.js';
import type { FontLookup, FontMetrics } from './shown-text.js';
import { readText } from './text.js';

type OperatorList = Awaited<ReturnType<import('pdfjs-dist/legacy/build/pdf.mjs').PDFPageProxy['getOperatorList']>>;

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
 * pdf.js's answer for one page, or the file's fault in one line: whatever pdf.js throws while
 * reading a page (a page tree that loops, a broken stream) comes from the bytes, not from zipin.
 */
async function fromPdfJs<T>(what: Promise<T>, page: number): Promise<T> {
  try {
    return await what;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new DocumentError(`malformed PDF (page ${page}): ${message.split('\n')[0]!.trim()}`);
  }
}

/** What the reader saw on one page, for drawing it (`zipin inspect --draw`). */
export interface PageTrace {
  page: number;
  width: number;
  height: number;
  rules: readonly Rule[];
  runs: readonly TextRun[];
}

/**
 * A PDF → the table model, rebuilt from the page itself: ruling lines (lattice) give each
 * table's grid and its merged cells, text is placed in the cells by position, free text (titles,
 * notes) stays in reading order, page numbers go, and a table that continues on the next page
 * simply continues (see TableStitcher). Font code is never evaluated.
 */
export async function extractPdf(bytes: Uint8Array, sense: RowSense, trace?: PageTrace[]): Promise<ExtractedDocument> {
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
    const stitcher = new TableStitcher(sense);
    const tableIds = new Map<string, number>();
    let fonts: FontLookup | null = null;
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await fromPdfJs(doc.getPage(p), p);
      fonts ??= fontsOf(page.commonObjs); // one for the document
      const viewport = page.getViewport({ scale: 1 });
      const view: PageView = { transform: viewport.transform as unknown as Matrix, width: viewport.width, height: viewport.height };
      let ops: OperatorList | null = await fromPdfJs(page.getOperatorList(), p);
      const graphics = readGraphics(ops.fnArray, ops.argsArray, view, OPS as unknown as Ops, fonts);
      ops = null; // pdf.js's page data is large: let it go now, not when the next page is in
      const { runs, clipped } = readText(graphics.shown);
      anyText ||= runs.length > 0;
      anyImage ||= graphics.hasImages;
      const laid = layoutPage(graphics.rules, runs, clipped, view.width, view.height, sense);
      trace?.push({ page: p, width: view.width, height: view.height, rules: graphics.rules, runs });
      stitcher.newPage(p);
      for (const row of laid) {
        if (!stitcher.accept(row)) continue;
        const exact = row.grid !== undefined && row.table !== undefined;
        // Tables are numbered through the document: each page's tables have grids of their own.
        const table = exact ? tableIds.get(`${p}:${row.table}`) ?? tableIds.set(`${p}:${row.table}`, tableIds.size).size - 1 : null;
        rows.push({ line: rows.length + 1, page: p, cells: row.cells, positions: exact ? 'exact' : 'inferred', spans: row.grid ?? null, table });
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
