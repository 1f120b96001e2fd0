/**
 * The floor of zipin's PDF path: bare pdf.js parsing (getTextContent + getOperatorList of every
 * page, nothing else) of the files it is given, in a worker thread as zipin's own workers are.
 * Posts the page count back.
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

let pages = 0;
for (const path of workerData as string[]) {
  const doc = await getDocument({ data: new Uint8Array(readFileSync(path)), isEvalSupported: false, verbosity: 0 }).promise;
  for (let p = 1; p <= doc.numPages; p++) {
    const page = await doc.getPage(p);
    await Promise.all([page.getTextContent(), page.getOperatorList()]);
    page.cleanup();
    pages++;
  }
  await doc.destroy();
}
parentPort!.postMessage(pages);
