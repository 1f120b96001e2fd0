import { assemblePages, pdfPageCount, readPdfPages, releasePdf, type LaidPage } from '../extract/pdf/pdf.js';
import { loadPdfJs } from '../extract/pdf/pdfjs.js';
import { DocumentError } from '../extract/errors.js';
import { sniff } from '../extract/sniff.js';
import { FORM_SENSE } from '../form/sense.js';
import { readRegularFile } from './input.js';
import type { WorkerMessage, WorkerReply, WorkerTask } from './pool.js';
import { failedDocument, processExtracted, processFile, sha256, unreadableDocument } from './process.js';

// Loaded while the first file is on its way, not after it arrives. A failure to load shows on
// the first PDF, which awaits the same promise.
if (process.env.ZIPIN_PRELOAD_PDF === '1') loadPdfJs().catch(() => undefined);

/**
 * Which PDFs have their pages shared out among the pool's workers. A PDF that paints images and
 * names no font has no text layer: its pages are scans, seconds of OCR each, worth sharing from
 * two pages on. A text layer is never worth it: its pages take milliseconds, and each worker
 * would open the file and parse the fonts its pages use, and the laid-out pages travel twice
 * (docs/performance.md: one report of 31 to 496 pages read by two workers took 1.2–1.3× the time
 * of one). Objects packed in compressed streams hide both words: such a file is shared from
 * `PACKED_SHARED_PAGES` pages on, since a scan that is not shared costs more than a text layer that is.
 */
const PACKED_SHARED_PAGES = 16;

/** Whether a PDF's bytes name a font (a text layer) and an image. */
interface PdfNames { fonts: boolean; images: boolean }

function pdfNames(bytes: Buffer): PdfNames {
  return { fonts: bytes.includes('/Font'), images: bytes.includes('/Image') };
}

/** A PDF that paints images and names no font: its pages are scans, read by OCR. */
const scanned = (names: PdfNames) => names.images && !names.fonts;

function worthSharing(names: PdfNames, pageCount: number): boolean {
  if (scanned(names)) return pageCount >= 2;
  return !names.fonts && !names.images && pageCount >= PACKED_SHARED_PAGES;
}

const reply = (message: WorkerReply) => process.send!(message);

/** The file's bytes, or the reply that it could not be read. */
function read(task: WorkerTask): Buffer | null {
  try {
    return readRegularFile(task.path);
  } catch (error) {
    reply({ id: task.id, kind: 'done', results: [unreadableDocument(task.path, error)] });
    return null;
  }
}

/**
 * A pool worker's task. `file`: read and process one file — or, for a long PDF when other
 * workers can help, only say how many pages it has, for the pool to share them out. `pages`: lay
 * out a range of a PDF's pages. `assemble`: put the pages of every range together and run the
 * stages after extraction.
 */
async function handle(task: WorkerTask): Promise<void> {
  if (task.kind === 'assemble') {
    const pages = task.pages as LaidPage[]; // this pool's own workers laid them out
    reply({ id: task.id, kind: 'done', results: [await processExtracted(async () => assemblePages({ pageCount: task.pageCount, pages }, FORM_SENSE), task.path, task.sha256)] });
    return;
  }
  const bytes = read(task);
  if (bytes === null) return;
  const hash = sha256(bytes);
  const kind = task.kind === 'file' ? sniff(bytes) : null;
  const names = kind === 'pdf' ? pdfNames(bytes) : null;
  // OCR's seconds a page are worth another worker (the pool's grow): an image, a PDF of scans.
  reply({ id: task.id, kind: 'read', sha256: hash, ocr: kind === 'image' || (names !== null && scanned(names)) });
  if (task.kind === 'pages') {
    try {
      const { pages } = await readPdfPages(bytes, FORM_SENSE, task);
      reply({ id: task.id, kind: 'pages', pages });
    } catch (error) {
      const reason = error instanceof DocumentError ? error.message : `internal error: ${(error as Error).message.split('\n')[0]}`;
      reply({ id: task.id, kind: 'done', results: [failedDocument(task.path, hash, reason)] });
    }
    return;
  }
  if (task.share > 1 && names !== null) {
    // A PDF pdf.js cannot open goes the usual way, which says why.
    // Opened once: a PDF not shared is read from the document this opened (no second parse).
    const pageCount = await pdfPageCount(bytes).catch(() => 0);
    if (worthSharing(names, pageCount)) {
      await releasePdf(bytes);
      reply({ id: task.id, kind: 'split', pageCount });
      return;
    }
  }
  const results = await processFile(bytes, task.path, hash);
  await releasePdf(bytes); // where reading did not take the document (it failed before)
  reply({ id: task.id, kind: 'done', results });
}

// One task at a time, in the order sent: the pool sends the next before this one is done (its
// prefetch), and may take that one back before it is begun.
let tasks = Promise.resolve();
const cancelled = new Set<number>();
process.on('message', (message: WorkerMessage) => {
  if (message.kind === 'cancel') cancelled.add(message.id);
  else tasks = tasks.then(() => (cancelled.delete(message.id) ? undefined : handle(message)));
});
// The pool going away ends this process too.
process.on('disconnect', () => process.exit(0));
