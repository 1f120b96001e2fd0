import type { ExtractedDocument, Row } from '../../model/table.js';
import type { RowSense } from '../sense.js';
import { DocumentError } from '../errors.js';
import type { LaidOutRow } from './cells.js';
import type { Matrix, Rule, TextRun } from './geometry.js';
import { readGraphics, type Ops, type PageView, type PaintedImage } from './graphics.js';
import { readScannedPage } from '../image/ocr/page.js';
import { formReadings } from '../image/ocr/readings.js';
import { pdfImageGray } from '../image/ocr/pdf-image.js';
import { layoutPage } from './layout.js';
import { TableStitcher } from './page-break.js';
import { loadPdfJs, openPdfDocument } from './pdfjs.js';
import type { FontLookup, FontMetrics } from './shown-text.js';
import { readText } from './text.js';
import { turnedView, turnOf, type Turn } from './turn.js';

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

/** One page as the layout left it: its rows, whether it held text and images, whether its text was read by OCR, and how far it was turned to be read. */
export interface LaidPage {
  page: number;
  rows: LaidOutRow[];
  text: boolean;
  images: boolean;
  ocr: boolean;
  turned: Turn;
}

/** An image covering at least this share of a page with (almost) no text is the page, scanned. */
const SCAN_COVERAGE = 0.5;
/** Fewer characters than this over a page-sized picture are furniture laid on a scan (a page number, a CMS stamp); a form has hundreds. */
const SCAN_MAX_TEXT = 40;

const textLength = (runs: readonly TextRun[]) => runs.reduce((n, r) => n + r.text.replace(/\s+/g, '').length, 0);

/** The image that is the page of a page without text (the largest, if it covers most of the page). */
function pageScan(images: readonly PaintedImage[], view: PageView): PaintedImage | null {
  const area = (i: PaintedImage) => Math.max(0, Math.min(i.box.x1, view.width) - Math.max(i.box.x0, 0)) * Math.max(0, Math.min(i.box.y1, view.height) - Math.max(i.box.y0, 0));
  const largest = images.reduce<PaintedImage | null>((best, i) => (best === null || area(i) > area(best) ? i : best), null);
  return largest !== null && area(largest) >= SCAN_COVERAGE * view.width * view.height ? largest : null;
}

/** Some pages of a PDF, read: `pages` in order, of the document's `pageCount`. */
export interface PdfPages {
  pageCount: number;
  pages: LaidPage[];
}

/** The pages from `from` on, up to `to` (both counted from 1; to past the end: the last page). */
export interface PageRange { from: number; to: number }

type PdfDocument = Awaited<ReturnType<typeof openPdfNow>>;

/**
 * A document opened to count its pages, kept for the read of the same bytes that follows in this
 * process: a pool worker asked whether a PDF is worth sharing then reads it without parsing it
 * again (see `pdfPageCount`).
 */
const counted = new WeakMap<Uint8Array, PdfDocument>();

async function openPdf(bytes: Uint8Array): Promise<PdfDocument> {
  const kept = counted.get(bytes);
  if (kept !== undefined) {
    counted.delete(bytes);
    return kept;
  }
  return openPdfNow(bytes);
}

async function openPdfNow(bytes: Uint8Array) {
  try {
    // pdf.js takes ownership of the buffer it is given
    return await openPdfDocument(new Uint8Array(bytes));
  } catch (error) {
    throw openError(error);
  }
}

/**
 * How many pages a PDF has (to share them out among workers before reading any). The document
 * stays open for the next read of these same bytes in this process, unless `releasePdf` says
 * it will not come.
 */
export async function pdfPageCount(bytes: Uint8Array): Promise<number> {
  const doc = await openPdf(bytes);
  counted.set(bytes, doc);
  return doc.numPages;
}

/** The document `pdfPageCount` kept open, closed: its pages are read elsewhere, or not at all. */
export async function releasePdf(bytes: Uint8Array): Promise<void> {
  const kept = counted.get(bytes);
  counted.delete(bytes);
  await kept?.destroy();
}

/**
 * Pages of a PDF laid out one by one — ruling lines (lattice) give each table's grid and its
 * merged cells, text is placed in the cells by position, free text (titles, notes) stays in
 * reading order — each page on its own, so that page ranges can be read by different workers
 * and put together by `assemblePages` with the same result. Font code is never evaluated.
 */
export async function readPdfPages(bytes: Uint8Array, sense: RowSense, range?: PageRange, trace?: PageTrace[]): Promise<PdfPages> {
  const { OPS } = await loadPdfJs();
  const doc = await openPdf(bytes);
  try {
    const pages: LaidPage[] = [];
    let fonts: FontLookup | null = null;
    const last = Math.min(doc.numPages, range?.to ?? doc.numPages);
    for (let p = range?.from ?? 1; p <= last; p++) {
      const page = await fromPdfJs(doc.getPage(p), p);
      fonts ??= fontsOf(page.commonObjs); // one for the document
      const viewport = page.getViewport({ scale: 1 });
      let view: PageView = { transform: viewport.transform as unknown as Matrix, width: viewport.width, height: viewport.height };
      let ops: OperatorList | null = await fromPdfJs(page.getOperatorList(), p);
      let graphics = readGraphics(ops.fnArray, ops.argsArray, view, OPS as unknown as Ops, fonts);
      // A page whose text runs down, left or up is read again turned back (only such a page pays twice).
      const turn = turnOf(graphics.writing);
      if (turn !== 0) {
        view = turnedView(view, turn);
        graphics = readGraphics(ops.fnArray, ops.argsArray, view, OPS as unknown as Ops, fonts);
      }
      ops = null; // pdf.js's page data is large: let it go now, not when the next page is in
      let { runs, clipped } = readText(graphics.shown);
      let { rules } = graphics;
      // A page that is a picture of itself, with no text but perhaps a page number or a stamp
      // laid over it: a scan, read by OCR.
      const scan = textLength(runs) < SCAN_MAX_TEXT ? pageScan(graphics.images, view) : null;
      const pixels = scan === null ? null : pdfImageGray(scan, page.objs, page.commonObjs);
      let turned = turn;
      let { width, height } = view;
      if (scan !== null && pixels !== null) {
        const read = await readScannedPage(pixels, scan.box);
        ({ rules, runs } = read);
        clipped = [];
        // A scan read turned a quarter stands on a page as high as this one is wide.
        if (read.turned % 180 !== 0) [width, height] = [height, width];
        turned = read.turned;
      }
      const laid = layoutPage(rules, runs, clipped, width, height, sense);
      pages.push({ page: p, rows: pixels === null ? laid : formReadings(laid, sense), text: runs.length > 0, images: graphics.hasImages, ocr: pixels !== null, turned });
      trace?.push({ page: p, width, height, rules, runs });
      page.cleanup();
    }
    return { pageCount: doc.numPages, pages };
  } finally {
    await doc.destroy();
  }
}

/** Free text printed at the same height on two pages is the same line again when their tops differ by this little (points). */
const SAME_PLACE = 3;

/**
 * Running heads and feet: a line of free text printed at the same place on two pages or more
 * that means nothing to the form (the sheet's name Calc prints atop every page, a report's title
 * in its header) — not a form's heading, year line or unit line, which a page of forms repeats.
 */
function runningText(pages: readonly LaidPage[], sense: RowSense): Set<LaidOutRow> {
  const byText = new Map<string, Array<{ page: number; row: LaidOutRow }>>();
  for (const { page, rows } of pages) {
    for (const row of rows) {
      if (row.grid !== undefined) continue;
      const text = row.cells.join('\t');
      byText.set(text, [...(byText.get(text) ?? []), { page, row }]);
    }
  }
  const running = new Set<LaidOutRow>();
  for (const [text, seen] of byText) {
    if (seen.length < 2 || sense.isFormText(text)) continue;
    for (const a of seen) {
      if (seen.some((b) => b.page !== a.page && Math.abs(b.row.top - a.row.top) <= SAME_PLACE)) running.add(a.row);
    }
  }
  return running;
}

/**
 * Laid-out pages → the table model: page numbers, running heads and repeated headers go, and a table that
 * continues on the next page simply continues (see TableStitcher); tables are numbered through
 * the document. Pages read by OCR (a PDF's scanned pages, image files) go the same way.
 */
export function assemblePages({ pageCount, pages }: PdfPages, sense: RowSense, format: 'pdf' | 'image' | 'ofd' = 'pdf'): ExtractedDocument {
  if (!pages.some((p) => p.text)) {
    if (pages.some((p) => p.ocr)) throw new DocumentError('scanned document: OCR found no text on its pages');
    throw new DocumentError(pages.some((p) => p.images) ? 'no text layer, and no page-sized scan to read' : `no text in ${format === 'ofd' ? 'OFD' : 'PDF'}`);
  }
  const rows: Row[] = [];
  const stitcher = new TableStitcher(sense);
  const tableIds = new Map<string, number>();
  const running = runningText(pages, sense);
  for (const { page: p, rows: laid, turned } of pages) {
    stitcher.newPage(p);
    for (const row of laid) {
      if (running.has(row) || !stitcher.accept(row)) continue;
      const exact = row.grid !== undefined && row.table !== undefined;
      // Tables are numbered through the document: each page's tables have grids of their own.
      const table = exact ? tableIds.get(`${p}:${row.table}`) ?? tableIds.set(`${p}:${row.table}`, tableIds.size).size - 1 : null;
      rows.push({
        line: rows.length + 1, page: p, cells: row.cells, positions: exact ? 'exact' : 'inferred', spans: row.grid ?? null, table,
        ...(row.confidence ? { confidence: row.confidence } : {}),
        ...(row.recognised ? { recognised: row.recognised } : {}),
        ...(turned !== 0 ? { turned } : {}),
      });
    }
  }
  return { format, pages: pageCount, encoding: null, rows };
}

/** A whole PDF → the table model: every page read here, then put together. */
export async function extractPdf(bytes: Uint8Array, sense: RowSense, trace?: PageTrace[]): Promise<ExtractedDocument> {
  return assemblePages(await readPdfPages(bytes, sense, undefined, trace), sense);
}
