import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../src/version.js';
import { CORPUS, corpusFile, DOCS, FIXTURES, queryDb, tempDir, zipinAsync, zipinSync } from './helpers.js';

const zipin = zipinSync;

const query = queryDb;
const count = (db: string, table: string) => query(db, `SELECT count(*) AS n FROM ${table}`)[0]!.n;

/** `n` distinct copies of the corpus (each copy's bytes differ by a trailing line). */
function corpusCopies(dir: string, n: number, tag: string): void {
  mkdirSync(dir, { recursive: true });
  const texts = Object.values(DOCS).map((d) => readFileSync(corpusFile(d), 'utf8'));
  for (let i = 0; i < n; i++) writeFileSync(join(dir, `${tag}-${i}.txt`), `${texts[i % texts.length]}\n备注\t${tag} ${i}\n`);
}

describe('rows are never lost', () => {
  it('a failed re-extraction keeps the good rows of the same bytes and records the failure', () => {
    const db = join(tempDir(), 'z.sqlite');
    expect(zipin('extract', CORPUS, '--db', db).code).toBe(0);
    const r = zipin('extract', CORPUS, '--db', db, '--timeout', '0.001', '--force');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('kept: 5 failed document(s) keep the good rows');
    expect([count(db, 'documents'), count(db, 'evaluations'), count(db, 'indicators')]).toEqual([5, 58, 714]);
    expect(query(db, "SELECT count(*) AS n FROM documents WHERE status = 'ok'")[0]!.n).toBe(5);
    expect(query(db, 'SELECT run_id, error, kept_document_id IS NOT NULL AS kept, sha256 IS NOT NULL AS hashed FROM failures'))
      .toEqual(Array.from({ length: 5 }, () => ({ run_id: 2, error: 'timed out after 0.001 s', kept: 1, hashed: 1 })));
    expect(query(db, 'SELECT documents_failed, documents_kept FROM runs WHERE id = 2')).toEqual([{ documents_failed: 5, documents_kept: 5 }]);
  });

  it.each([['3000000'], ['2147484'], ['Infinity'], ['NaN'], ['0'], ['']])('refuses --timeout %j, which Node timers cannot hold', (value) => {
    const db = join(tempDir(), 'z.sqlite');
    const r = zipin('extract', CORPUS, '--db', db, '--timeout', value);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--timeout takes a number of seconds from 0.001 to 2147483');
  });

  it('takes the longest timeout a timer can hold', () => {
    const db = join(tempDir(), 'z.sqlite');
    const r = zipin('extract', corpusFile(DOCS.guihua), '--db', db, '--timeout', '2147483');
    expect(r.code, r.stderr).toBe(0);
    expect(count(db, 'evaluations')).toBe(8);
  });

  it('two extract runs on one database at the same moment both write every document', async () => {
    const dir = tempDir();
    corpusCopies(join(dir, 'a'), 60, 'a');
    corpusCopies(join(dir, 'b'), 60, 'b');
    const db = join(dir, 'z.sqlite');
    const [a, b] = await Promise.all([zipinAsync(['extract', join(dir, 'a'), '--db', db]), zipinAsync(['extract', join(dir, 'b'), '--db', db])]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    expect(count(db, 'documents')).toBe(120);
    expect(count(db, 'evaluations')).toBe(24 * 58);
    expect(query(db, 'SELECT count(*) AS n FROM runs WHERE finished_at IS NOT NULL')[0]!.n).toBe(2);
  }, 180_000);

  it('a run opening a database another process is writing in rollback-journal mode waits its turn to make it WAL', async () => {
    // What two runs creating one database at once meet: SQLite answers the change of journal
    // mode with SQLITE_BUSY at once, its busy handler not called, while the other holds a lock.
    const db = join(tempDir(), 'z.sqlite');
    const holder = spawn(process.execPath, ['-e', `const D = require(${JSON.stringify(join(PACKAGE_ROOT, 'node_modules', 'better-sqlite3'))});
      const db = new D(${JSON.stringify(db)}); db.exec('BEGIN IMMEDIATE; CREATE TABLE other (x)'); console.log('locked');
      setTimeout(() => { db.exec('COMMIT'); db.close(); }, 1000);`]);
    await new Promise((resolve) => holder.stdout.once('data', resolve));
    const r = await zipinAsync(['extract', corpusFile(DOCS.guihua), '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(count(db, 'evaluations')).toBe(8);
    expect(query(db, 'PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
  }, 60_000);

  it('a run that cannot get the write lock says why and exits 3', async () => {
    const db = join(tempDir(), 'z.sqlite');
    expect(zipin('extract', corpusFile(DOCS.guihua), '--db', db).code).toBe(0);
    // Another process holds the write lock for longer than this run waits (until it is killed).
    const holder = spawn(process.execPath, ['-e', `const D = require(${JSON.stringify(join(PACKAGE_ROOT, 'node_modules', 'better-sqlite3'))});
      new D(${JSON.stringify(db)}).exec('BEGIN IMMEDIATE'); console.log('locked'); setInterval(() => {}, 1000);`]);
    try {
      await new Promise((resolve) => holder.stdout.once('data', resolve));
      const r = await zipinAsync(['extract', corpusFile(DOCS.shuju), '--db', db, '--wait', '0.2']);
      expect(r.code).toBe(3);
      expect(r.stderr.trim()).toMatch(/^zipin: extract: .*z\.sqlite is busy: another process kept it locked for over 0\.2 s$/);
    } finally {
      holder.kill('SIGKILL');
    }
    expect(count(db, 'evaluations')).toBe(8); // nothing half-written
  }, 60_000);
});

describe('memory and time bounds that hold', () => {
  it('fails a Flate bomb (2 KB → 1 GiB decoded outside the heap) at the memory limit, and goes on', () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'bomb-flate.pdf'), join(dir, 'bomb.pdf'));
    copyFileSync(corpusFile(DOCS.guihua), join(dir, 'good.txt'));
    const db = join(dir, 'z.sqlite');
    const r = zipin('extract', dir, '--db', db, '--max-memory', '256');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`zipin: extract: ${join(dir, 'bomb.pdf')}: out of memory (over 256 MB)`);
    expect(query(db, 'SELECT status, count(*) AS n FROM documents GROUP BY status ORDER BY status')).toEqual([
      { status: 'failed', n: 1 }, { status: 'ok', n: 1 },
    ]);
    expect(count(db, 'evaluations')).toBe(8);
  }, 120_000);

  it('caps --concurrency at the number of cores, saying so', () => {
    const db = join(tempDir(), 'z.sqlite');
    const r = zipin('extract', corpusFile(DOCS.guihua), '--db', db, '--concurrency', '100000');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^zipin: --concurrency 100000 is more than this machine's \d+ core\(s\); using \d+$/m);
  });

  it('reads regular files only: a FIFO named .txt and /dev/zero fail at once; the run goes on', () => {
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, 'pipe.txt')]);
    copyFileSync(corpusFile(DOCS.guihua), join(dir, 'good.txt'));
    const db = join(dir, 'z.sqlite');
    const r = zipin('extract', dir, '/dev/zero', '--db', db, '--timeout', '600');
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').sort()).toEqual([
      'zipin: extract: /dev/zero: not a regular file', `zipin: extract: ${join(dir, 'pipe.txt')}: not a regular file`,
    ]);
    expect(count(db, 'evaluations')).toBe(8);
    // inspect and totext refuse the same way, without blocking
    for (const command of ['inspect', 'totext']) {
      const x = zipin(command, join(dir, 'pipe.txt'));
      expect(x.code).toBe(1);
      expect(x.stdout + x.stderr).toContain('not a regular file');
    }
  });

  it('follows symbolic links to files and folders, once each, and names a dangling one', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'in'));
    copyFileSync(corpusFile(DOCS.guihua), join(dir, 'real.txt'));
    symlinkSync(join(dir, 'real.txt'), join(dir, 'in', 'linked.txt'));
    symlinkSync(join(dir, 'in'), join(dir, 'in', 'loop')); // a loop back to the folder itself
    symlinkSync(join(dir, 'nowhere.txt'), join(dir, 'in', 'dangling.txt'));
    const db = join(dir, 'z.sqlite');
    const r = zipin('extract', join(dir, 'in'), '--db', db);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('documents: 2 (ok 1, no blocks 0, failed 1)');
    expect(r.stderr.trim()).toBe(`zipin: extract: ${join(dir, 'in', 'dangling.txt')}: cannot read file: no such file`);
    expect(query(db, "SELECT source FROM documents WHERE status = 'ok'")).toEqual([{ source: join(dir, 'in', 'linked.txt') }]);
  });

  it('a page tree that loops is the file\'s fault, not an internal error', () => {
    const r = zipin('inspect', join(FIXTURES, 'page-cycle.pdf'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`zipin: inspect: ${join(FIXTURES, 'page-cycle.pdf')}: malformed PDF (page 1): Pages tree contains circular reference.\n`);
  });
});

describe('output that cannot hurt its reader', () => {
  /** 003 with hostile names: formulas for projects, a terminal escape in one department (a text that is still text). */
  function hostileCorpus(dir: string): string {
    const text = readFileSync(corpusFile(DOCS.guihua), 'utf8')
      .replace('不动产及房地产业务运维', "=cmd|' /C calc'!A0")
      .replace('会议室软硬件运维', '@SUM(1+1)')
      .replace('深圳市规划和自然资源局', '+SUM(1)\u001b]0;pwned\u0007\u009b2J局');
    writeFileSync(join(dir, 'hostile.txt'), text);
    return join(dir, 'hostile.txt');
  }

  it('neutralises spreadsheet formulas in CSV (export and compare), keeping numbers as numbers', () => {
    const dir = tempDir();
    const db = join(dir, 'z.sqlite');
    expect(zipin('extract', hostileCorpus(dir), '--db', db).code).toBe(0);
    expect(zipin('export', '--db', db, '--out', join(dir, 'csv')).code).toBe(0);
    const evaluations = readFileSync(join(dir, 'csv', 'evaluations.csv'), 'utf8');
    expect(evaluations).toContain(`"'=cmd|' /C calc'!A0"`);
    expect(evaluations).toContain(`"'@SUM(1+1)"`);
    expect(evaluations).not.toMatch(/(^|,)[=+@]/m);
    expect(evaluations).toMatch(/,4362600,/); // amounts stay plain numbers
    const compare = zipin('compare', '--db', db, '--format', 'csv');
    expect(compare.stdout).toMatch(/^"'\+SUM\(1\)/m);
  });

  it('prints control characters from the data as visible symbols, never raw', () => {
    const dir = tempDir();
    const db = join(dir, 'z.sqlite');
    const file = hostileCorpus(dir);
    zipin('extract', file, '--db', db);
    for (const r of [zipin('compare', '--db', db), zipin('inspect', file)]) {
      expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(r.stdout).toContain('+SUM(1)␛]0;pwned␇\ufffd2J局');
    }
  });
});
