/**
 * The floor of zipin's PDF path: bare pdf.js parsing (getTextContent + getOperatorList of every
 * page, nothing else) in a worker thread, as zipin's own workers are. It is sent one file at a
 * time, as zipin's workers are, and answers each with a Completion.
 * `asZipin`: pdf.js loaded and configured exactly as zipin loads it (Node's built-ins restored,
 * same document options, Flate decoded in the thread, the in-thread port) — the fair floor;
 * otherwise pdf.js as shipped, with its polyfills, web-stream decompression and cloning port.
 * `textContent`: false to parse with getOperatorList alone, which is all zipin asks pdf.js for.
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { openPdfDocument } from '../src/extract/pdf/pdfjs.js';
import type { Completion } from './pdf.js';

const { asZipin, textContent } = workerData as { asZipin: boolean; textContent: boolean };
// Imported only when not as zipin: importing pdf.js installs its polyfills, which zipin's loading undoes.
const shipped = asZipin ? null : await import('pdfjs-dist/legacy/build/pdf.mjs');
const open = (data: Uint8Array) => (shipped === null ? openPdfDocument(data) : shipped.getDocument({ isEvalSupported: false, verbosity: 0, data }).promise);

parentPort!.on('message', async (path: string) => {
  const doc = await open(new Uint8Array(readFileSync(path)));
  for (let p = 1; p <= doc.numPages; p++) {
    const page = await doc.getPage(p);
    await (textContent ? Promise.all([page.getTextContent(), page.getOperatorList()]) : page.getOperatorList());
    page.cleanup();
  }
  const done: Completion = { at: performance.timeOrigin + performance.now(), pages: doc.numPages };
  await doc.destroy();
  parentPort!.postMessage(done);
});
