/**
 * The floor of zipin's PDF path: bare pdf.js parsing (getTextContent + getOperatorList of every
 * page, nothing else) of the files named on the command line. Prints the page count.
 */
import { readFileSync } from 'node:fs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

let pages = 0;
for (const path of process.argv.slice(2)) {
  const doc = await getDocument({ data: new Uint8Array(readFileSync(path)), isEvalSupported: false, verbosity: 0 }).promise;
  for (let p = 1; p <= doc.numPages; p++) {
    const page = await doc.getPage(p);
    await Promise.all([page.getTextContent(), page.getOperatorList()]);
    page.cleanup();
    pages++;
  }
  await doc.destroy();
}
process.stdout.write(String(pages));
