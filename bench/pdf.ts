/**
 * `npm run bench` (second part): PDF extraction speed. Extracts a set of PDF forms (the
 * test fixtures, repeated) end to end into SQLite, and compares with bare pdf.js parsing of the
 * same files at the same concurrency — in as many worker threads as zipin uses (the floor of
 * this approach) — and, where installed, with `pdftotext -layout` (poppler) as a yardstick.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runExtract } from '../src/pipeline/run.js';
import { PACKAGE_ROOT } from '../src/version.js';

/** Two producers: LibreOffice's long multi-page report, and Chromium's short forms with heavy embedded CJK fonts. */
const SETS: Record<string, string[]> = {
  'LibreOffice (12-page report)': ['003_e7112b8e4e2d84a4.calc.pdf'],
  'Chromium (1–6 page forms)': ['003_e7112b8e4e2d84a4.chromium.pdf', 'long-table.pdf', 'other-issuer.pdf', 'rotated.pdf'],
};

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}`))));
  });
}

/** Run `work(share)` on `n` shares of the files in parallel; seconds taken. */
async function timed(files: string[], n: number, work: (share: string[]) => Promise<unknown>): Promise<number> {
  const shares = Array.from({ length: n }, (_, i) => files.filter((_, k) => k % n === i));
  const start = process.hrtime.bigint();
  await Promise.all(shares.map(work));
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function measureSet(label: string, fixtures: string[], copies: number, concurrency: number): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'zipin-bench-pdf-'));
  try {
    const dir = join(root, 'pdf');
    mkdirSync(dir);
    const files: string[] = [];
    for (let c = 0; c < copies; c++) {
      for (const f of fixtures) {
        const target = join(dir, `${c}-${f}`);
        copyFileSync(join(PACKAGE_ROOT, 'test', 'fixtures', f), target);
        files.push(target);
      }
    }
    const floorScript = fileURLToPath(new URL('./pdf-floor.js', import.meta.url));
    let pages = 0;
    const floor = await timed(files, concurrency, async (share) => {
      const n = await new Promise<number>((resolve, reject) => {
        const worker = new Worker(floorScript, { workerData: share });
        worker.once('message', (count: number) => resolve(count));
        worker.once('error', reject);
      });
      pages += n;
    });
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', dir, String(concurrency), join(root, 'bench.sqlite')], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(child.stderr);
    const zipin = JSON.parse(child.stdout) as { seconds: number; peakRssMiB: number; evaluations: number; failed: number };
    let poppler: number | null = null;
    if (spawnSync('pdftotext', ['-v']).error === undefined) {
      poppler = await timed(files, concurrency, async (share) => {
        for (const f of share) await run('pdftotext', ['-layout', f, '-']);
      });
    }
    console.log(`${label}: ${files.length} files, ${pages} pages, concurrency ${concurrency}`);
    console.log(`  zipin extract   ${zipin.seconds.toFixed(2).padStart(6)} s  ${(pages / zipin.seconds).toFixed(1).padStart(6)} pages/s  peak RSS ${zipin.peakRssMiB.toFixed(0)} MiB  (${zipin.evaluations} blocks, ${zipin.failed} failed)`);
    console.log(`  bare pdf.js     ${floor.toFixed(2).padStart(6)} s  ${(pages / floor).toFixed(1).padStart(6)} pages/s  → zipin takes ${((zipin.seconds / floor - 1) * 100).toFixed(0)}% longer than the floor`);
    console.log(poppler === null ? '  pdftotext       not installed (Debian poppler-utils): no yardstick'
      : `  pdftotext       ${poppler.toFixed(2).padStart(6)} s  ${(pages / poppler).toFixed(1).padStart(6)} pages/s  → zipin / pdftotext = ${(zipin.seconds / poppler).toFixed(1)}×`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const copies = Number(process.argv[2] ?? 10);
  for (const [label, fixtures] of Object.entries(SETS)) await measureSet(label, fixtures, copies, availableParallelism());
}

async function child(): Promise<void> {
  const [, , , dir, concurrency, db] = process.argv;
  const start = process.hrtime.bigint();
  const summary = await runExtract([dir!], { db: db!, concurrency: Number(concurrency), command: 'bench' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(JSON.stringify({ seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024, evaluations: summary.evaluations, failed: summary.failed }));
}

await (process.argv[2] === '--child' ? child() : main());
