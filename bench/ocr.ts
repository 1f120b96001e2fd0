/**
 * `npm run bench` (third part): OCR speed and memory, this version side by side with the one
 * before its recogniser's graph was folded (`OCR_BASE`, built in a git worktree by
 * bench/earlier.ts), in the same run. Two sets of scans (150 dpi, turned, speckled): the scanned
 * fixtures read in one process one page after another — pages/s, crops per page, ms per crop and
 * that process's peak RSS, which is what one pool worker holds — and a folder of scanned forms
 * (one form on 1–2 pages each, several regions' layouts) read by `zipin extract` as a user runs
 * it, with one worker and with one per core, side by side. Each figure is the best of `--repeat`
 * runs (default 2): this machine's speed varies.
 *
 *   node dist/bench/ocr.js [--repeat N]
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { recognition } from '../src/extract/image/ocr/recognizer.js';
import { processDocument } from '../src/pipeline/process.js';
import { PACKAGE_ROOT } from '../src/version.js';
import { earlierBuild } from './earlier.js';

/** The version before this round's OCR work: the recogniser run as shipped, batches of 8 in every worker. */
const OCR_BASE = process.env.ZIPIN_BENCH_OCR_BASE ?? 'b8722e2';

const FIXTURES = join(PACKAGE_ROOT, 'test', 'fixtures');
/** The scans read in one process: the corpus's sample scan (6 dense pages) and the others. */
const SCANS = [
  '003_e7112b8e4e2d84a4.scanned.pdf', '004_7f468a29561a31e4.blocks-8-8.scanned.pdf', 'region-sichuan.scanned.pdf',
  'other-issuer.scanned.pdf', 'other-issuer.scan.png', '000_53bb5e2acbd336ec.blocks-4-5.p1.scan.jpg', '000_53bb5e2acbd336ec.blocks-4-5.scan.tif',
];
/** A folder of scanned forms as a disclosure site posts them, one form each. */
const FOLDER = [
  'regions/region-zhejiang.scan.pdf', 'regions/region-zhejiang-blotted.scan.pdf', 'regions/region-guangdong.scan.pdf', 'regions/region-hubei.scan.pdf',
  'regions/region-jiangsu.scan.jpg', 'regions/region-henan.scan.tif', 'regions/region-hunan.scan.pdf', 'region-sichuan.scanned.pdf',
  'other-issuer.scanned.pdf', 'other-issuer.scan.png', '004_7f468a29561a31e4.blocks-8-8.scanned.pdf', '000_53bb5e2acbd336ec.blocks-4-5.scan.tif',
];

interface Measured {
  seconds: number;
  pages: number;
  evaluations: number;
  crops: number;
  modelMs: number;
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
  return {
    seconds: (performance.now() - start) / 1000, pages, evaluations, crops: recognition.crops, modelMs: recognition.ms,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

/** A version to measure: its package root (this one, or an earlier one built beside it). */
interface Version { root: string }

function inFreshProcess(files: readonly string[], { root }: Version): Measured {
  const child = spawnSync(process.execPath, [join(root, 'dist', 'bench', 'ocr.js'), '--child', ...files], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout) as Measured;
}

/** `zipin extract` of the folder with `workers` workers, timed from outside as a user sees it. */
function extract(dir: string, db: string, { root }: Version, workers: number): number {
  const cli = join(root, 'dist', 'src', 'cli', 'main.js');
  const start = performance.now();
  const run = spawnSync(process.execPath, [cli, 'extract', dir, '--db', db, '--concurrency', String(workers), '--force', '-q'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return (performance.now() - start) / 1000;
}

const best = <T>(runs: number, measure: () => T, key: (t: T) => number): T => {
  let kept: T | undefined;
  for (let k = 0; k < runs; k++) {
    const m = measure();
    if (kept === undefined || key(m) < key(kept)) kept = m;
  }
  return kept!;
};

async function main(): Promise<void> {
  const repeat = Number(process.argv[process.argv.indexOf('--repeat') + 1]) || 2;
  const root = mkdtempSync(join(tmpdir(), 'zipin-bench-ocr-'));
  try {
    const files = SCANS.map((name) => join(FIXTURES, name));
    const folder = join(root, 'forms');
    mkdirSync(folder);
    for (const name of FOLDER) copyFileSync(join(FIXTURES, name), join(folder, basename(name)));
    const folderPages = (await Promise.all(FOLDER.map(async (name) => (await processDocument(readFileSync(join(FIXTURES, name)), name)).document.pages ?? 0))).reduce((a, b) => a + b, 0);
    const cores = availableParallelism();
    const earlier = earlierBuild(join(root, 'earlier'), OCR_BASE);
    const rows: Array<[string, Version]> = [
      ...('root' in earlier ? [[`${OCR_BASE} (the recogniser as shipped)`, { root: earlier.root }] as [string, Version]] : []),
      ['this version (its graph folded; one crop a run in a one-thread worker)', { root: PACKAGE_ROOT }],
    ];
    if ('missing' in earlier) console.log(`  (${OCR_BASE} not measured: ${earlier.missing})`);
    const results = rows.map(([label, version], k) => ({
      label,
      one: best(repeat, () => inFreshProcess(files, version), (m) => m.seconds),
      // A dataset each: versions may write different schemas.
      single: best(repeat, () => extract(folder, join(root, `ocr-${k}-1.sqlite`), version, 1), (s) => s),
      pool: best(repeat, () => extract(folder, join(root, `ocr-${k}-n.sqlite`), version, cores), (s) => s),
    }));
    if ('forget' in earlier) earlier.forget();
    const { pages, evaluations } = results[0]!.one;
    console.log(`OCR: the scanned fixtures, ${files.length} files, ${pages} pages, ${evaluations} forms, in one process; a folder of ${FOLDER.length} scanned forms (${folderPages} pages) by zipin extract with 1 and ${cores} workers (best of ${repeat})`);
    for (const { label, one, single, pool } of results) {
      console.log(`  ${label}`);
      console.log(`    one process   ${one.seconds.toFixed(2).padStart(6)} s ${(one.pages / one.seconds).toFixed(2).padStart(5)} pages/s  ${(one.crops / one.pages).toFixed(0)} crops a page, ${(one.modelMs / one.crops).toFixed(1)} ms a crop in the recogniser  peak RSS ${one.peakRssMiB.toFixed(0)} MiB (one worker's)`);
      console.log(`    zipin extract ${single.toFixed(2).padStart(6)} s ${(folderPages / single).toFixed(2).padStart(5)} pages/s  with 1 worker; ${pool.toFixed(2)} s ${(folderPages / pool).toFixed(2)} pages/s with ${cores} → ${(single / pool).toFixed(2)}× (start-up and model loading included)`);
    }
    const now = results.at(-1)!;
    for (const before of results.slice(0, -1)) {
      console.log(`  → beside ${before.label.split(' (')[0]}: one process ${(before.one.seconds / now.one.seconds).toFixed(2)}× as fast; zipin extract ${(before.single / now.single).toFixed(2)}× with 1 worker, ${(before.pool / now.pool).toFixed(2)}× with ${cores}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await (process.argv[2] === '--child'
  ? inProcess(process.argv.slice(3)).then((m) => process.stdout.write(JSON.stringify(m)))
  : main());
