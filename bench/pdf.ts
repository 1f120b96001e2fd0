/**
 * `npm run bench` (second part): PDF extraction speed. Extracts a set of PDF forms (the
 * test fixtures, repeated) end to end into SQLite, and compares with bare pdf.js parsing of the
 * same files at the same concurrency — in as many worker threads as zipin uses: text content and
 * operator lists (the floor the target is set against), and operator lists alone (all zipin
 * asks pdf.js for) — and, where installed, with `pdftotext -layout` (poppler) and pdfminer's
 * layout analysis (`extract_pages`, the engine under pdfplumber; Debian python3-pdfminer) as
 * yardsticks; and zipin with one worker against all of them, on each set.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { collectInputs } from '../src/pipeline/files.js';
import { runExtract } from '../src/pipeline/run.js';
import { PACKAGE_ROOT } from '../src/version.js';

/** Two producers: LibreOffice's report and spreadsheet form, and Chromium's short forms with heavy embedded CJK fonts. */
const SETS: Record<string, string[]> = {
  'LibreOffice (12-page report, 2-page form)': ['003_e7112b8e4e2d84a4.calc.pdf', 'calc-form.pdf'],
  'Chromium (1–6 page forms)': ['003_e7112b8e4e2d84a4.chromium.pdf', 'long-table.pdf', 'other-issuer.pdf', 'rotated.pdf'],
  // One document holds the run (taken once, not copied): what sharing its pages among workers speeds up.
  'one big report (31 pages) and a 2-page form': ['004_7f468a29561a31e4.calc-narrow.pdf', 'calc-form.pdf'],
  // A department's archive: long reports and short forms together, a little under 100 pages (taken once).
  '98 pages: three reports (31, 29, 27 pages), five 2-page forms and a 1-page one': ['004_7f468a29561a31e4.calc-narrow.pdf', '004_7f468a29561a31e4.calc-default.pdf',
    '004_7f468a29561a31e4.calc.pdf', 'calc-form.pdf', 'calc-variants.pdf', 'long-table.pdf', '000_53bb5e2acbd336ec.blocks-4-5.writer.pdf',
    '004_7f468a29561a31e4.blocks-16-17.writer.pdf', 'rotated.pdf'],
  // A folder of hundreds of PDFs from both producers (each fixture 40 times).
  'a folder of 240 PDFs (six forms and reports × 40)': ['003_e7112b8e4e2d84a4.calc.pdf', 'calc-form.pdf', '003_e7112b8e4e2d84a4.chromium.pdf',
    'long-table.pdf', 'other-issuer.pdf', 'rotated.pdf'],
};
/** How many copies of a set's files: once, forty times, or as many as asked (20 unless given). */
const COPIES: Record<string, number> = {
  'one big report (31 pages) and a 2-page form': 1,
  '98 pages: three reports (31, 29, 27 pages), five 2-page forms and a 1-page one': 1,
  'a folder of 240 PDFs (six forms and reports × 40)': 40,
};

/** A Python that has pdfminer.six (Debian's python3-pdfminer is for /usr/bin/python3), or null. */
function pdfminerPython(): string | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (spawnSync(python, ['-c', 'import pdfminer.high_level'], { stdio: 'ignore' }).status === 0) return python;
  }
  return null;
}

const PDFMINER = 'import sys\nfrom pdfminer.high_level import extract_pages\nfor f in sys.argv[1:]:\n    for page in extract_pages(f):\n        pass\n';

/** Seconds `run` takes over the files split among `concurrency` processes. */
async function timed(files: readonly string[], concurrency: number, run: (mine: string[]) => Promise<unknown>): Promise<number> {
  const start = now();
  await Promise.all(Array.from({ length: concurrency }, (_, i) => run(files.filter((_, k) => k % concurrency === i))));
  return (now() - start) / 1000;
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}`))));
  });
}

/** A file finished: when (ms since the epoch, comparable across threads) and its page count. */
export interface Completion {
  at: number;
  pages: number;
}

/** Pages per second over a run, whole (start-up and warm-up included) and steady (its second half). */
interface Rate {
  seconds: number;
  pages: number;
  whole: number;
  steady: number;
}

function rate(start: number, done: readonly Completion[]): Rate {
  const sorted = [...done].sort((a, b) => a.at - b.at);
  const end = sorted[sorted.length - 1]!.at;
  const half = Math.floor(sorted.length / 2);
  const pages = sorted.reduce((s, c) => s + c.pages, 0);
  const later = sorted.slice(half + 1).reduce((s, c) => s + c.pages, 0);
  const whole = pages / ((end - start) / 1000);
  // Too few files to see a second half (the last ones finished together): the whole run's rate.
  const steady = end > sorted[half]!.at ? later / ((end - sorted[half]!.at) / 1000) : whole;
  return { seconds: (end - start) / 1000, pages, whole, steady };
}

const now = () => performance.timeOrigin + performance.now();

/** How bare pdf.js runs: loaded as zipin loads it or as shipped, and whether it reads text content too. */
interface Bare {
  asZipin: boolean;
  textContent: boolean;
}

const FLOOR: Bare = { asZipin: true, textContent: true };

/** Bare pdf.js over the files in `concurrency` worker threads, each sent the next file when free (as zipin's pool does). */
async function bare(files: readonly string[], concurrency: number, how: Bare): Promise<Rate> {
  const script = fileURLToPath(new URL('./pdf-floor.js', import.meta.url));
  const queue = [...files];
  const done: Completion[] = [];
  const start = now();
  await Promise.all(Array.from({ length: concurrency }, () => new Promise<void>((resolve, reject) => {
    const worker = new Worker(script, { workerData: how });
    const next = () => {
      const file = queue.shift();
      if (file === undefined) void worker.terminate().then(() => resolve());
      else worker.postMessage(file);
    };
    worker.on('message', (c: Completion) => {
      done.push(c);
      next();
    });
    worker.once('error', reject);
    next();
  })));
  return rate(start, done);
}

interface ZipinRun extends Rate {
  peakRssMiB: number;
  evaluations: number;
  failed: number;
}

/** `zipin extract` of the directory in a fresh process, as a user runs it. */
function zipin(dir: string, concurrency: number, db: string): ZipinRun {
  rmSync(db, { force: true });
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', dir, String(concurrency), db], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout) as ZipinRun;
}

const best = <T extends Rate>(a: T, b: T): T => (a.seconds <= b.seconds ? a : b);
const fmt = (r: Rate) => `${r.seconds.toFixed(2).padStart(6)} s ${r.whole.toFixed(1).padStart(6)} pages/s, steady ${r.steady.toFixed(1).padStart(6)} pages/s`;
const over = (z: number, f: number) => `${((f / z - 1) * 100).toFixed(0)}%`;

async function measureSet(label: string, fixtures: string[], copies: number, concurrency: number): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'zipin-bench-pdf-'));
  try {
    const dir = join(root, 'pdf');
    mkdirSync(dir);
    const files: string[] = [];
    for (let c = 0; c < copies; c++) {
      for (const f of fixtures) {
        const target = join(dir, `${c}-${f}`);
        // Each copy its own bytes (a comment after %%EOF), or zipin reads it once as a duplicate.
        writeFileSync(target, Buffer.concat([readFileSync(join(PACKAGE_ROOT, 'test', 'fixtures', f)), Buffer.from(`\n% copy ${c}\n`)]));
        files.push(target);
      }
    }
    // Best of two runs each, alternated: timings on a small shared machine drift run to run.
    const db = join(root, 'bench.sqlite');
    const first = { floor: await bare(files, concurrency, FLOOR), zipin: zipin(dir, concurrency, db) };
    const floor = best(first.floor, await bare(files, concurrency, FLOOR));
    const ours = best(first.zipin, zipin(dir, concurrency, db));
    const operators = await bare(files, concurrency, { asZipin: true, textContent: false });
    const shipped = await bare(files, concurrency, { asZipin: false, textContent: true });
    const single = concurrency > 1 ? zipin(dir, 1, db) : null;
    let poppler: number | null = null;
    if (spawnSync('pdftotext', ['-v']).error === undefined) {
      poppler = await timed(files, concurrency, async (mine) => { for (const f of mine) await run('pdftotext', ['-layout', f, '-']); });
    }
    const python = pdfminerPython();
    const pdfminer = python === null ? null : await timed(files, concurrency, (mine) => run(python, ['-c', PDFMINER, ...mine]));
    console.log(`${label}: ${files.length} files, ${floor.pages} pages, concurrency ${concurrency} (best of 2)`);
    console.log(`  zipin extract ${fmt(ours)}  peak RSS ${ours.peakRssMiB.toFixed(0)} MiB  (${ours.evaluations} blocks, ${ours.failed} failed)`);
    console.log(`  bare pdf.js   ${fmt(floor)}  → zipin takes ${over(ours.whole, floor.whole)} longer than the floor, ${over(ours.steady, floor.steady)} in steady state`);
    console.log(`    as shipped  ${fmt(shipped)}  (pdf.js's core-js polyfills left in place, default options)`);
    console.log(`    operators   ${fmt(operators)}  (getOperatorList alone, all zipin asks for) → zipin takes ${over(ours.whole, operators.whole)} longer, ${over(ours.steady, operators.steady)} in steady state`);
    console.log(poppler === null ? '  pdftotext     not installed (Debian poppler-utils): no yardstick'
      : `  pdftotext     ${poppler.toFixed(2).padStart(6)} s ${(floor.pages / poppler).toFixed(1).padStart(6)} pages/s  → zipin / pdftotext = ${(ours.seconds / poppler).toFixed(1)}×`);
    console.log(pdfminer === null ? '  pdfminer      not installed (Debian python3-pdfminer): no yardstick'
      : `  pdfminer      ${pdfminer.toFixed(2).padStart(6)} s ${(floor.pages / pdfminer).toFixed(1).padStart(6)} pages/s  (extract_pages: layout analysis) → zipin is ${(pdfminer / ours.seconds).toFixed(1)}× as fast`);
    if (single) console.log(`  zipin, 1 worker ${fmt(single)}  → ${concurrency} workers are ${(single.seconds / ours.seconds).toFixed(2)}× as fast as one`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const copies = Number(process.argv[2] ?? 20);
  for (const [label, fixtures] of Object.entries(SETS)) await measureSet(label, fixtures, COPIES[label] ?? copies, availableParallelism());
}

async function child(): Promise<void> {
  const [, , , dir, concurrency, db] = process.argv;
  const done: Completion[] = [];
  const start = now();
  const summary = await runExtract(await collectInputs([dir!]), {
    db: db!, concurrency: Number(concurrency), command: 'bench',
    onDocument: (result) => done.push({ at: now(), pages: result.document.pages ?? 0 }),
  });
  const result: ZipinRun = { ...rate(start, done), peakRssMiB: process.resourceUsage().maxRSS / 1024, evaluations: summary.evaluations, failed: summary.failed };
  process.stdout.write(JSON.stringify(result));
}

await (process.argv[2] === '--child' ? child() : main());
