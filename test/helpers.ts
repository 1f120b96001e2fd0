import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { ValidatedEvaluation } from '../src/model/evaluation.js';
import { processDocument } from '../src/pipeline/process.js';
import { Store } from '../src/store/store.js';
import { PACKAGE_ROOT } from '../src/version.js';

export const CORPUS = join(PACKAGE_ROOT, 'corpus');
export const FIXTURES = join(PACKAGE_ROOT, 'test', 'fixtures');

export const DOCS = {
  shuju: '000_53bb5e2acbd336ec.txt', // 深圳市政务服务数据管理局 (2021, no level points)
  wangxin: '001_b19c89c98fd4e8fe.txt', // 主管部门 0101011 (level points printed)
  juesuan: '002_25bc0484e45a6819.txt', // 2022 部门决算 with six 2022-style forms among other tables
  guihua: '003_e7112b8e4e2d84a4.txt', // 深圳市规划和自然资源局
  dapeng: '004_7f468a29561a31e4.txt', // 大鹏新区, "2021年…项目自评表" headings, 执行率 in percent
} as const;

export function corpusFile(name: string): string {
  return join(CORPUS, name);
}

/** Every corpus document through the whole pipeline, once per test file. */
const processed = new Map(await Promise.all(Object.values(DOCS).map(async (name) => {
  const result = await processDocument(readFileSync(corpusFile(name)), name);
  if (result.document.status !== 'ok') throw new Error(`${name}: ${result.document.status} ${result.document.error}`);
  return [name, result.evaluations] as const;
})));

/** Every evaluation of one corpus document. */
export function evaluationsOf(name: string): ValidatedEvaluation[] {
  const evaluations = processed.get(name as (typeof DOCS)[keyof typeof DOCS]);
  if (!evaluations) throw new Error(`${name} is not a corpus document`);
  return evaluations;
}

/** The indicator printed on a given line of a corpus document. */
export function indicatorAt(name: string, line: number) {
  for (const e of evaluationsOf(name)) {
    const found = e.indicators.find((i) => i.line === line);
    if (found) return { evaluation: e, indicator: found };
  }
  throw new Error(`${name}: no indicator on line ${line}`);
}

/** A new temporary folder, inside the run's own (test/temp-root.ts): nothing is left behind in /tmp. */
export function tempDir(prefix = 'zipin-test-'): string {
  return mkdtempSync(join(inject('tempRoot'), prefix));
}

/** A real SQLite dataset of the whole corpus, written the way `extract` writes it. */
export async function buildCorpusDb(path: string): Promise<void> {
  const store = new Store(path);
  for (const name of Object.values(DOCS)) {
    const result = await processDocument(readFileSync(corpusFile(name)), `corpus/${name}`);
    store.writeDocument(result.document, result.evaluations);
  }
  store.close();
}

/**
 * Every field of a record as read, text compared without whitespace (a wrapped cell may lose a
 * space); the year as printed (one inferred depends on what else its file holds: an excerpt of a
 * document knows less than the whole).
 */
export function fields(e: ValidatedEvaluation): Array<[string, unknown]> {
  const squash = (v: unknown) => (typeof v === 'string' ? v.replace(/\s+/g, '') : v);
  const out: Array<[string, unknown]> = [];
  for (const key of ['title', 'projectName', 'projectAmountYuan', 'supervisingDept', 'implementingUnit', 'moneyUnit',
    'goalExpected', 'goalActual', 'totalWeight', 'totalScore', 'totalScoreRaw'] as const) out.push([key, squash(e[key])]);
  out.push(['year (printed)', e.flags.some((f) => f.code === 'year_inferred') ? null : e.year]);
  e.funding.forEach((f) => out.push([`funding.${f.line}`, [f.initialYuan, f.fullYearYuan, f.executedYuan, f.weight, f.rate, f.score]]));
  e.indicators.forEach((i) => out.push([`indicator.${i.seq}`, [i.level1, i.level1Points, i.level2, i.name, i.target, i.actual, i.weight, i.score,
    i.deviation, i.targetOp, i.targetValue, i.targetUnit, i.actualOp, i.actualValue, i.actualUnit].map(squash)]));
  return out;
}


/**
 * Each field of `got` against `want` (a scan's records against the page's, an OFD's against the
 * PDF's): how many agree, and every money value off by a power of ten.
 */
export function agreement(got: readonly ValidatedEvaluation[], want: readonly ValidatedEvaluation[]) {
  let total = 0;
  let right = 0;
  const tenfold: string[] = [];
  want.forEach((w, b) => {
    const mine = new Map(got[b] ? fields(got[b]!) : []);
    for (const [key, value] of fields(w)) {
      const values = Array.isArray(value) ? value : [value];
      const other = mine.get(key);
      const others: unknown[] = Array.isArray(other) ? other : [other];
      values.forEach((v, k) => {
        total++;
        if (JSON.stringify(others[k]) === JSON.stringify(v)) right++;
      });
      if (/^funding\./.test(key) || key === 'projectAmountYuan') {
        values.slice(0, 3).forEach((v, k) => {
          const o = others[k];
          if (typeof v === 'number' && typeof o === 'number' && v !== 0 && o !== v && Number.isInteger(Math.log10(Math.abs(o / v)))) tenfold.push(`${key}[${k}]: ${o} for ${v}`);
        });
      }
    }
  });
  return { right, total, tenfold };
}


/** The share of `want`'s fields that `got` gives alike (0 when there are none). */
export function agreementShare(got: readonly ValidatedEvaluation[], want: readonly ValidatedEvaluation[]): number {
  const { right, total } = agreement(got, want);
  return total === 0 ? 0 : right / total;
}

/** The built CLI (npm test builds it first). */
export const CLI = join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'main.js');

/** Run the CLI to its end, from the package root. */
export function zipinSync(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Run the CLI without blocking this process (whose event loop may serve test sites). */
export function zipinAsync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: PACKAGE_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The rows of one query on a database file, opened read-only for it. */
export function queryDb(db: string, sql: string): Array<Record<string, unknown>> {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(sql).all() as Array<Record<string, unknown>>;
  } finally {
    d.close();
  }
}

/**
 * Damage number `k` of a seeded series: 1–20 bytes of `original` set to random values. The same
 * series every run, so a damage that once broke a reader is replayed by its number.
 */
export function seededDamage(original: Buffer, k: number): Buffer {
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let bytes = original;
  for (let n = 0; n <= k; n++) {
    bytes = Buffer.from(original);
    const flips = 1 + Math.floor(random() * 20);
    for (let i = 0; i < flips; i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
  }
  return bytes;
}
