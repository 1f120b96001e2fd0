/**
 * `npm run bench` (OFD): the same documents read as PDF and as OFD, side by side in one process —
 * pages/s each way. The OFDs are the PDFs' pages written by the tests' OFD writer in both
 * producer styles (test/ofd-writer.ts), so both readers see the same forms.
 *
 *   node dist/bench/ofd.js [--repeat N]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extract } from '../src/extract/index.js';
import type { PageTrace } from '../src/extract/pdf/pdf.js';
import { FORM_SENSE } from '../src/form/sense.js';
import { processDocument } from '../src/pipeline/process.js';
import { PACKAGE_ROOT } from '../src/version.js';
import { writeOfd } from '../test/ofd-writer.js';

const FILES = ['003_e7112b8e4e2d84a4.calc.pdf', '004_7f468a29561a31e4.calc.pdf', '004_7f468a29561a31e4.blocks-16-17.writer.pdf', 'region-sichuan.writer.pdf', 'other-issuer.pdf', 'calc-form.pdf'];

async function main(): Promise<void> {
  const repeat = Number(process.argv[process.argv.indexOf('--repeat') + 1]) || 3;
  const pdfs = FILES.map((name) => ({ name, bytes: readFileSync(join(PACKAGE_ROOT, 'test', 'fixtures', name)) }));
  const sets: Record<string, Array<{ name: string; bytes: Buffer }>> = { PDF: pdfs, 'OFD, points style': [], 'OFD, millimetres style': [] };
  let pages = 0;
  for (const { name, bytes } of pdfs) {
    const trace: PageTrace[] = [];
    await extract(bytes, name, FORM_SENSE, trace);
    pages += trace.length;
    sets['OFD, points style']!.push({ name: name.replace(/\.pdf$/, '.ofd'), bytes: writeOfd(trace, 'points') });
    sets['OFD, millimetres style']!.push({ name: name.replace(/\.pdf$/, '.ofd'), bytes: writeOfd(trace, 'millimetres') });
  }
  console.log(`\nOFD beside PDF: ${FILES.length} documents, ${pages} pages, read in one process (best of ${repeat}, after one warm-up round)`);
  for (const [label, files] of Object.entries(sets)) {
    let best = Infinity;
    let forms = 0;
    for (let k = 0; k <= repeat; k++) {
      const start = performance.now();
      forms = 0;
      for (const f of files) forms += (await processDocument(f.bytes, f.name)).evaluations.length;
      if (k > 0) best = Math.min(best, (performance.now() - start) / 1000);
    }
    console.log(`  ${label.padEnd(24)} ${best.toFixed(2).padStart(6)} s  ${(pages / best).toFixed(1).padStart(6)} pages/s  ${forms} forms`);
  }
}

await main();
