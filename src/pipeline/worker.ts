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

/** A PDF that paints images and names no font: its pages are scans. */
function scannedPdf(bytes: Buffer): boolean {
  return bytes.includes('/Image') && !bytes.includes('/Font');
}

function worthSharing(bytes: Buffer, pageCount: number): boolean {
  if (scannedPdf(bytes)) return pageCount >= 2;
  return !bytes.includes('/Font') && !bytes.includes('/Image') && pageCount >= PACKED_SHARED_PAGES;
}

/** Whether the file will be read by OCR (an image, a PDF of scans): seconds a page, which another worker can share (pool's grow). */
function readByOcr(bytes: Buffer): boolean {
  const kind = sniff(bytes);
  return kind === 'image' || (kind === 'pdf' && scannedPdf(bytes));
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
  reply({ id: task.id, kind: 'read', sha256: hash, ocr: task.kind === 'file' && readByOcr(bytes) });
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
  if (task.share > 1 && sniff(bytes) === 'pdf') {
    // A PDF pdf.js cannot open goes the usual way, which says why.
    // Opened once: a PDF not shared is read from the document this opened (no second parse).
    const pageCount = await pdfPageCount(bytes).catch(() => 0);
    if (worthSharing(bytes, pageCount)) {
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
