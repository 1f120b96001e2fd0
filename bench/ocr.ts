/**
 * `npm run bench` (third part): OCR speed and memory. Reads the scanned fixtures (PDFs of page
 * images, a JPEG, a bilevel TIFF: 150 dpi, turned, speckled) in one process, one page after
 * another — pages/s and that process's peak RSS, which is what one pool worker holds — then as
 * a user runs it, `zipin extract` with every core, side by side in the same run.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processDocument } from '../src/pipeline/process.js';
import { PACKAGE_ROOT } from '../src/version.js';

const SCANS = [
  '003_e7112b8e4e2d84a4.scanned.pdf', '004_7f468a29561a31e4.blocks-8-8.scanned.pdf', 'region-sichuan.scanned.pdf',
  'other-issuer.scanned.pdf', 'other-issuer.scan.png', '000_53bb5e2acbd336ec.blocks-4-5.p1.scan.jpg', '000_53bb5e2acbd336ec.blocks-4-5.scan.tif',
];

interface Measured {
  seconds: number;
  pages: number;
  evaluations: number;
  peakRssMiB: number;
}

/** One process, one file after another (the models loaded once, as in a worker). */
async function inProcess(files: readonly string[]): Promise<Measured> {
  const start = performance.now();
  let pages = 0;
  let evaluations = 0;
  for (const file of files) {
    const result = await processDocument(readFileSync(file), file);
    if (result.document.status === 'failed') throw new Error(`${file}: ${result.document.error}`);
    pages += result.document.pages ?? 0;
    evaluations += result.evaluations.length;
  }
  return { seconds: (performance.now() - start) / 1000, pages, evaluations, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
}

function inFreshProcess(files: readonly string[]): Measured {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', ...files], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout) as Measured;
}

/** `zipin extract` of the folder with `concurrency` workers, timed from outside as a user sees it. */
function extract(dir: string, db: string, concurrency: number): number {
  const cli = join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'main.js');
  const start = performance.now();
  const run = spawnSync(process.execPath, [cli, 'extract', dir, '--db', db, '--concurrency', String(concurrency), '--force', '-q'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return (performance.now() - start) / 1000;
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'zipin-bench-ocr-'));
  try {
    const dir = join(root, 'scans');
    mkdirSync(dir);
    const files = SCANS.map((name) => {
      copyFileSync(join(PACKAGE_ROOT, 'test', 'fixtures', name), join(dir, name));
      return join(dir, name);
    });
    const cores = availableParallelism();
    const one = inFreshProcess(files);
    const pool = extract(dir, join(root, 'ocr.sqlite'), cores);
    console.log(`OCR: ${files.length} scanned files, ${one.pages} pages, ${one.evaluations} forms`);
    console.log(`  one process, one page at a time ${one.seconds.toFixed(2).padStart(6)} s ${(one.pages / one.seconds).toFixed(2).padStart(5)} pages/s  peak RSS ${one.peakRssMiB.toFixed(0)} MiB (what one worker holds: models, page images)`);
    console.log(`  zipin extract, ${cores} workers      ${pool.toFixed(2).padStart(6)} s ${(one.pages / pool).toFixed(2).padStart(5)} pages/s  (start-up and model loading included) → ${(one.seconds / pool).toFixed(2)}× one process`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await (process.argv[2] === '--child'
  ? inProcess(process.argv.slice(3)).then((m) => process.stdout.write(JSON.stringify(m)))
  : main());
