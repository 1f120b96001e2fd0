/**
 * `npm run bench`: the extract job on a large synthetic corpus made from the real files.
 * Prints documents/s, blocks/s and peak RSS for two corpus sizes, each run in a fresh process
 * (so that memory growing with the corpus would show), side by side: one worker, every core, and
 * an unchanged re-run over the dataset the run before wrote; the same into PostgreSQL (a
 * throw-away cluster on loopback, where one can be started) with one and two worker processes;
 * the same number of files holding 100 copies of each form against distinct forms; then where a
 * first run's time goes, stage by stage, in one thread.
 *
 *   npm run bench                  # 500 and 5,000 documents
 *   node dist/bench/extract.js 200 2000   # other sizes
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extract } from '../src/extract/index.js';
import { FORM_SENSE } from '../src/form/sense.js';
import { ValidatedEvaluationSchema } from '../src/model/evaluation.js';
import { normalize } from '../src/normalize/normalize.js';
import { parseBlock } from '../src/parse/parse.js';
import { collectInputs } from '../src/pipeline/files.js';
import { runExtract } from '../src/pipeline/run.js';
import { segment } from '../src/segment/segment.js';
import { validate } from '../src/validate/validate.js';
import { PACKAGE_ROOT } from '../src/version.js';

/** Copy i of a real document: same layout, different forms and bytes (amounts, names and codes varied). */
function vary(text: string, i: number): string {
  return text
    .replace(/(项目金额\t+)(\d+)/g, (_m, label: string, amount: string) => `${label}${BigInt(amount) + BigInt(i)}`)
    .replace(/(项目名称[:：]?\t+)([^\t\n]+)/g, (_m, label: string, name: string) => `${label}${name}（${i}）`)
    // …and codes: a form with another's 项目编码 is a copy of it (one form, one row).
    .replace(/(项目编码[:：]?\t+)(\d+)/g, (_m, label: string, code: string) => `${label}${BigInt(code) + BigInt(i)}`);
}

function makeCorpus(dir: string, documents: number): void {
  const corpus = join(PACKAGE_ROOT, 'corpus');
  const sources = readdirSync(corpus).sort().map((f) => readFileSync(join(corpus, f), 'utf8'));
  for (let i = 0; i < documents; i++) {
    const sub = join(dir, String(Math.floor(i / 1000)));
    if (i % 1000 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `doc-${i}.txt`), vary(sources[i % sources.length]!, i));
  }
}

/**
 * `documents` files holding `copies` copies each of the corpus's forms: the same forms in other
 * bytes (a line of its own at the end of each file), as a mirror or a nightly re-publication
 * makes them. The same number of files with distinct forms is what they are measured against.
 */
function makeCopies(dir: string, documents: number, copies: number): void {
  const corpus = join(PACKAGE_ROOT, 'corpus');
  const sources = readdirSync(corpus).sort().map((f) => readFileSync(join(corpus, f), 'utf8'));
  const distinct = Math.ceil(documents / copies);
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < documents; i++) {
    const original = i % distinct;
    writeFileSync(join(dir, `doc-${i}.txt`), `${vary(sources[original % sources.length]!, original)}\n（第 ${i} 份）\n`);
  }
}

interface Measurement {
  documents: number;
  unchanged: number;
  blocks: number;
  seconds: number;
  peakRssMiB: number;
}

/** Child: extract one prepared corpus into `db` (fresh, or as the last run left it) and report. */
async function measure(dir: string, concurrency: number, db: string): Promise<Measurement> {
  const start = process.hrtime.bigint();
  const summary = await runExtract(await collectInputs([dir]), { db, concurrency, command: 'bench' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    documents: summary.documents,
    unchanged: summary.unchanged,
    blocks: summary.evaluations,
    seconds,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

type StageTimes = Record<'extract' | 'segment' | 'parse' | 'normalize' | 'validate' | 'schema', number>;

/**
 * Child: where a first run's time goes — every stage of every document timed in this one thread
 * (no pool, no SQLite), in µs per block. Cold: this process has read nothing before.
 */
async function stageTimes(dir: string): Promise<StageTimes> {
  const ns: StageTimes = { extract: 0, segment: 0, parse: 0, normalize: 0, validate: 0, schema: 0 };
  let blocks = 0;
  let at = process.hrtime.bigint();
  const lap = (stage: keyof StageTimes) => {
    const now = process.hrtime.bigint();
    ns[stage] += Number(now - at);
    at = now;
  };
  for (const path of (await collectInputs([dir])).files) {
    const bytes = readFileSync(path);
    at = process.hrtime.bigint();
    const doc = await extract(bytes, path, FORM_SENSE);
    lap('extract');
    const found = segment(doc);
    lap('segment');
    for (const block of found) {
      const parsed = parseBlock(block);
      lap('parse');
      const normalized = normalize(parsed);
      lap('normalize');
      const validated = validate(normalized);
      lap('validate');
      ValidatedEvaluationSchema.parse(validated);
      lap('schema');
      blocks++;
    }
  }
  return Object.fromEntries(Object.entries(ns).map(([stage, t]) => [stage, t / 1000 / blocks])) as StageTimes;
}

/** This script run again in a fresh process with `args`, and what it printed (JSON). */
function child<T>(args: string[]): T {
  const spawned = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (spawned.status !== 0) throw new Error(spawned.stderr);
  return JSON.parse(spawned.stdout) as T;
}

/** One run in a fresh process, as a user runs it (start-up included in the time). */
const run = (corpus: string, concurrency: number, db: string) => child<Measurement>(['--child', corpus, String(concurrency), db]);

const line = (label: string, m: Measurement) => `${label.padEnd(22)}${String(m.documents).padStart(6)} documents  ${String(m.blocks).padStart(7)} blocks  `
  + `${m.seconds.toFixed(2).padStart(7)} s  ${(m.documents / m.seconds).toFixed(0).padStart(6)} documents/s  ${(m.blocks / m.seconds).toFixed(0).padStart(6)} blocks/s  `
  + `peak RSS ${m.peakRssMiB.toFixed(0)} MiB`;

async function main(): Promise<void> {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === '--child') {
    process.stdout.write(JSON.stringify(await measure(rest[0]!, Number(rest[1]), rest[2]!)));
    return;
  }
  if (mode === '--stages') {
    process.stdout.write(JSON.stringify(await stageTimes(rest[0]!)));
    return;
  }
  const sizes = [mode, ...rest].filter((a) => a !== undefined).map(Number);
  const concurrency = availableParallelism();
  console.log(`zipin extract benchmark (text) — ${concurrency} cores, Node ${process.version}; each run a fresh process, start-up included`);
  // Loaded here, not in the children: an SQLite run does not load the PostgreSQL driver.
  const { startPostgres } = await import('../test/postgres.js');
  const postgres = await startPostgres();
  if ('skipped' in postgres) console.log(`PostgreSQL: not measured (${postgres.skipped})`);
  let databases = 0;
  for (const size of sizes.length > 0 ? sizes : [500, 5000]) {
    const root = mkdtempSync(join(tmpdir(), 'zipin-bench-'));
    try {
      const corpus = join(root, 'corpus');
      makeCorpus(corpus, size);
      // Side by side: one worker, all workers, and all of them again over the dataset just written.
      const one = run(corpus, 1, join(root, 'one.sqlite'));
      const db = join(root, 'all.sqlite');
      const all = run(corpus, concurrency, db);
      const again = run(corpus, concurrency, db);
      console.log(line('1 worker', one));
      console.log(line(`${concurrency} workers`, all));
      console.log(`${'unchanged re-run'.padEnd(22)}${String(again.unchanged).padStart(6)} unchanged  ${again.seconds.toFixed(2).padStart(7)} s  `
        + `→ ${(again.seconds / all.seconds * 100).toFixed(1)}% of the first run's time; ${again.documents} documents read again`);
      console.log(`${''.padEnd(22)}${concurrency} workers are ${(one.seconds / all.seconds).toFixed(2)}× as fast as one`);
      if (!('skipped' in postgres)) {
        // The same corpus into PostgreSQL (fsync off, as the tests' cluster), each run a fresh database.
        const pgOne = run(corpus, 1, await postgres.database(`bench${databases++}`));
        const pgTwo = run(corpus, 2, await postgres.database(`bench${databases++}`));
        console.log(line('PostgreSQL, 1 worker', pgOne));
        console.log(line('PostgreSQL, 2 workers', pgTwo));
        console.log(`${''.padEnd(22)}PostgreSQL with 1 worker takes ${(pgOne.seconds / one.seconds).toFixed(2)}× SQLite's time with 1 (target: at most 1.5×)`);
      }
      // Copies: the same number of files, each form in `copies` of them, against distinct forms.
      const copies = 100;
      const copied = join(root, 'copies');
      makeCopies(copied, size, copies);
      const many = run(copied, 1, join(root, 'copies.sqlite'));
      console.log(line(`${copies} copies a form`, many));
      console.log(`${''.padEnd(22)}${(many.seconds / many.documents * 1000).toFixed(2)} ms a file against ${(one.seconds / one.documents * 1000).toFixed(2)} ms `
        + `with distinct forms: ${((many.seconds / many.documents) / (one.seconds / one.documents)).toFixed(2)}× (target: at most 1.3×)`);
      const stages = child<StageTimes>(['--stages', corpus]);
      const total = Object.values(stages).reduce((a, b) => a + b, 0);
      console.log(`${'stages, one thread'.padEnd(22)}${total.toFixed(0)} µs a block (${(1e6 / total).toFixed(0)} blocks/s): `
        + Object.entries(stages).map(([stage, us]) => `${stage} ${us.toFixed(0)}`).join(', '));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  if (!('skipped' in postgres)) postgres.stop();
}

await main();
