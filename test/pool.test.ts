import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pageRanges } from '../src/pipeline/pool.js';
import { CORPUS, FIXTURES, queryDb, tempDir, zipinSync } from './helpers.js';

const fixtureBytes = (name: string) => readFileSync(join(FIXTURES, name));

/** A folder of the corpus's text files (a-0.txt…: read in moments), then `more` (name → contents), in name order. */
function quickFilesThen(more: Record<string, string | Buffer>): { dir: string; quick: number } {
  const dir = join(tempDir(), 'in');
  mkdirSync(dir);
  const texts = readdirSync(CORPUS).filter((f) => f.endsWith('.txt')).sort();
  texts.forEach((f, i) => copyFileSync(join(CORPUS, f), join(dir, `a-${i}.txt`)));
  for (const [name, contents] of Object.entries(more)) writeFileSync(join(dir, name), contents);
  return { dir, quick: texts.length };
}

describe('pages shared out among workers', () => {
  it('cuts a document into ranges of nearly equal length, in order, covering every page once', () => {
    expect(pageRanges(31, 2)).toEqual([{ from: 1, to: 15 }, { from: 16, to: 31 }]);
    expect(pageRanges(101, 3)).toEqual([{ from: 1, to: 33 }, { from: 34, to: 67 }, { from: 68, to: 101 }]);
    expect(pageRanges(1, 4)).toEqual([{ from: 1, to: 1 }]);
  });

  it('a scan whose pages two workers read gives the dataset one worker gives, row for row', () => {
    const dir = join(tempDir(), 'in');
    mkdirSync(dir);
    // A 2-page scan (shared: OCR), 31 pages of text layer (not: never worth it), and a malformed one.
    for (const f of ['004_7f468a29561a31e4.blocks-8-8.scanned.pdf', '004_7f468a29561a31e4.calc-narrow.pdf', 'page-cycle.pdf']) copyFileSync(join(FIXTURES, f), join(dir, f));
    const dump = (db: string) => [
      queryDb(db, 'SELECT sha256, format, pages, status, error FROM documents ORDER BY sha256'),
      queryDb(db, `SELECT d.sha256, e.block_index, e.project_name, e.total_score, e.page_start, e.page_end, e.line_start, e.line_end, e.confidence
        FROM evaluations e JOIN documents d ON d.id = e.document_id ORDER BY d.sha256, e.block_index`),
      queryDb(db, `SELECT d.sha256, e.block_index, i.seq, i.name, i.target, i.actual, i.weight, i.score, i.line, i.page
        FROM indicators i JOIN evaluations e ON e.id = i.evaluation_id JOIN documents d ON d.id = e.document_id ORDER BY d.sha256, e.block_index, i.seq`),
      queryDb(db, `SELECT d.sha256, e.block_index, f.code, f.message FROM flags f JOIN evaluations e ON e.id = f.evaluation_id
        JOIN documents d ON d.id = e.document_id ORDER BY d.sha256, e.block_index, f.id`),
    ];
    const runs = [1, 2].map((c) => {
      const db = join(tempDir(), 'z.sqlite');
      const r = zipinSync('extract', dir, '--db', db, '--concurrency', String(c), '--json');
      expect(r.code).toBe(1); // the malformed one
      return { summary: JSON.parse(r.stdout) as { shared: number; workers: number; evaluations: number }, rows: dump(db) };
    });
    expect(runs[0]!.summary.shared).toBe(0);
    expect(runs[1]!.summary.shared).toBe(availableParallelism() >= 2 ? 1 : 0);
    // The scan's pages waiting started the second worker at once.
    expect(runs.map((r) => r.summary.workers)).toEqual([1, Math.min(2, availableParallelism())]);
    expect(runs[1]!.summary.evaluations).toBe(runs[0]!.summary.evaluations);
    expect(runs[1]!.rows).toEqual(runs[0]!.rows);
    expect(runs[0]!.rows[0]!.find((d) => d.pages === 31)).toMatchObject({ status: 'ok' });
  }, 120_000);

  it('a folder read in moments gets one worker, whatever --concurrency: a second would not pay for its warm-up', () => {
    const dir = join(tempDir(), 'in');
    mkdirSync(dir);
    for (const f of ['calc-form.pdf', 'other-issuer.pdf', 'long-table.pdf', '003_e7112b8e4e2d84a4.calc.pdf']) copyFileSync(join(FIXTURES, f), join(dir, f));
    const r = zipinSync('extract', dir, '--db', join(tempDir(), 'z.sqlite'), '--concurrency', '2', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ documents: 4, workers: 1 });
  }, 60_000);

  it('a worker reading a scan while files wait starts another at once, and gives it the file sent ahead to it: OCR is seconds a page', () => {
    // Quick text files first (the pool sends each worker its next file ahead), then two one-page
    // scans, neither shared out: the second was sent ahead to the worker on the first.
    const { dir, quick } = quickFilesThen({ 'b-1.png': fixtureBytes('other-issuer.scan.png'), 'b-2.jpg': fixtureBytes('regions/region-jiangsu.scan.jpg') });
    const r = zipinSync('extract', dir, '--db', join(tempDir(), 'z.sqlite'), '--concurrency', '2', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ documents: quick + 2, ok: quick + 2, shared: 0, workers: Math.min(2, availableParallelism()) });
  }, 120_000);

  it('a file timed out while the next was sent ahead to its worker: the one sent ahead is read by the worker that replaces it', () => {
    // Quick files, then a scan of six pages that cannot be read in the time allowed, then more
    // quick ones (other bytes: other documents).
    const again = readdirSync(CORPUS).filter((f) => f.endsWith('.txt')).sort().slice(0, 3);
    const { dir, quick } = quickFilesThen({
      'b.pdf': fixtureBytes('003_e7112b8e4e2d84a4.scanned.pdf'),
      ...Object.fromEntries(again.map((f, i) => [`c-${i}.txt`, `${readFileSync(join(CORPUS, f), 'utf8')}\n`])),
    });
    const db = join(tempDir(), 'z.sqlite');
    const r = zipinSync('extract', dir, '--db', db, '--concurrency', '1', '--timeout', '3', '--json');
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ documents: quick + 4, ok: quick + 3, failed: 1 });
    expect(queryDb(db, "SELECT source, error FROM documents WHERE status = 'failed'")).toEqual([{ source: join(dir, 'b.pdf'), error: 'timed out after 3 s' }]);
  }, 120_000);

  it('a shared document is held to one time limit for all its parts', () => {
    const dir = join(tempDir(), 'in');
    mkdirSync(dir);
    copyFileSync(join(FIXTURES, '004_7f468a29561a31e4.blocks-8-8.scanned.pdf'), join(dir, 'big.pdf'));
    const db = join(tempDir(), 'z.sqlite');
    const r = zipinSync('extract', dir, '--db', db, '--concurrency', '2', '--timeout', '0.05');
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`zipin: extract: ${join(dir, 'big.pdf')}: timed out after 0.05 s`);
    expect(queryDb(db, 'SELECT status, sha256 IS NOT NULL AS hashed FROM documents')).toEqual([{ status: 'failed', hashed: 1 }]);
  }, 60_000);
});
