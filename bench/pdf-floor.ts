/**
 * The floor of zipin's PDF path: bare pdf.js parsing (getTextContent + getOperatorList of every
 * page, nothing else) of the files it is given, in a worker thread as zipin's own workers are.
 * `asZipin`: pdf.js loaded and configured exactly as zipin loads it (Node's built-ins restored,
 * same document options) — the fair floor; otherwise pdf.js as shipped, with its polyfills.
 * Posts a Completion per file, then null.
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { DOCUMENT_OPTIONS, loadPdfJs } from '../src/extract/pdf/pdfjs.js';
import type { Completion } from './pdf.js';

const { files, asZipin } = workerData as { files: string[]; asZipin: boolean };
const { getDocument } = asZipin ? await loadPdfJs() : await import('pdfjs-dist/legacy/build/pdf.mjs');
const options = asZipin ? DOCUMENT_OPTIONS : { isEvalSupported: false, verbosity: 0 };
for (const path of files) {
  const doc = await getDocument({ ...options, data: new Uint8Array(readFileSync(path)) }).promise;
  for (let p = 1; p <= doc.numPages; p++) {
    const page = await doc.getPage(p);
    await Promise.all([page.getTextContent(), page.getOperatorList()]);
    page.cleanup();
  }
  const done: Completion = { at: performance.timeOrigin + performance.now(), pages: doc.numPages };
  await doc.destroy();
  parentPort!.postMessage(done);
}
parentPort!.postMessage(null);
