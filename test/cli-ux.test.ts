import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../src/version.js';
import { buildCorpusDb, CLI, corpusFile, DOCS, FIXTURES, queryDb, seededDamage, tempDir, zipinSync } from './helpers.js';
import { sevenZip } from './seven-zip.js';

const zipin = zipinSync;
/** The CLI with `input` on its standard input. */
const zipinWith = (input: Buffer, ...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: PACKAGE_ROOT, input, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const count = (db: string, table: string) => Number(queryDb(db, `SELECT count(*) AS n FROM ${table}`)[0]!.n);

describe('every command has its own --help, and zipin its --version', () => {
  it.each([
    ['extract', ['--db PATH|URL', 'postgres://', '(default: out/zipin.sqlite, or $ZIPIN_DB)', '--timeout SECONDS', '(default: 120)', '--max-memory MB', '(default: 2048)', '--force', '--json', '-q, --quiet', '--verbose']],
    ['crawl', ['--full', '--full-every DAYS', '(default: 7)', '--max-depth N', '(default: 3)', '--deadline SECONDS', '(default: 14400)', '--delay MS', '(default: 1000)', '--strict', '--max-attachments N', '(default: 2000)', '--enqueue', '--job-timeout SECONDS', '(default: 900)', '--job-retries N']],
    ['worker', ['--db URL', '(default: $ZIPIN_DB)', 'an SQLite file has no queue', '--once', '--concurrency N', '--files DIR', '--log text|json']],
    ['status', ['--db PATH|URL', '--json']],
    ['compare', ['--by department|unit|year', '(default: department)', '--sort rate|score|gap', '(default: rate)', '--format table|csv|json']],
    ['export', ['--out DIR', '--format csv|jsonl', '(default: csv)', 'forms; the views form_sources, projects and series_links']],
    ['report', ['--out FILE', '(default: out/report.html)']],
    ['inspect', ['<file|->', '--draw DIR', '--json']],
    ['totext', ['<file|->']],
  ])('%s --help', (command, shown) => {
    const r = zipin(command, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(`Usage: zipin ${command} `)).toBe(true);
    for (const text of shown) expect(r.stdout).toContain(text);
    expect(r.stdout).toContain('-h, --help');
    // At least one example to copy, of this very command, and where to read more.
    expect(r.stdout).toMatch(new RegExp(`\nExamples:\n {2}zipin ${command} `));
    expect(r.stdout).toMatch(/\nMore: docs\/\w[\w-]*\.md/);
    const page = /\nMore: (docs\/[\w-]+\.md)/.exec(r.stdout)![1]!;
    expect(existsSync(join(PACKAGE_ROOT, page)), page).toBe(true);
    expect(zipin(command, '-h').stdout).toBe(r.stdout);
  });

  it('--version prints the version; --help lists the commands', () => {
    const version = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).version as string;
    expect(zipin('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    const help = zipin('--help');
    expect(help.code).toBe(0);
    for (const c of ['extract', 'crawl', 'worker', 'compare', 'report', 'export', 'status', 'inspect', 'totext']) expect(help.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  });
});

describe('errors in one shape: zipin: <command>: <file>: <reason>', () => {
  it('a path that does not exist is a usage error and writes nothing', () => {
    const db = join(tempDir(), 'z.sqlite');
    const r = zipin('extract', join(FIXTURES, 'nope.txt'), '--db', db);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`zipin: extract: ${join(FIXTURES, 'nope.txt')}: no such file or directory\n(see zipin extract --help)\n`);
    expect(existsSync(db)).toBe(false);
  });

  it('a negative number is the option\'s own error, not "ambiguous"', () => {
    const r = zipin('extract', 'corpus', '--timeout', '-5');
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('zipin: extract: --timeout takes a number of seconds from 0.001 to 2147483, not "-5"');
  });

  it('a file the command cannot write is named with the reason in words, no raw errno', async () => {
    const dir = tempDir();
    const db = join(dir, 'z.sqlite');
    await buildCorpusDb(db);
    mkdirSync(join(dir, 'taken'));
    const r = zipin('report', '--db', db, '--out', join(dir, 'taken'));
    expect([r.code, r.stderr]).toEqual([1, `zipin: report: ${join(dir, 'taken')}: is a directory\n`]);
    writeFileSync(join(dir, 'file'), '');
    const e = zipin('export', '--db', db, '--out', join(dir, 'file'));
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(new RegExp(`^zipin: export: ${join(dir, 'file')}: (already exists \\(and is not a folder\\)|a part of the path is a file, not a folder)\\n$`));
    expect(`${r.stderr}${e.stderr}`).not.toMatch(/E[A-Z]{4,}:/);
  });

  it('a folder with nothing zipin reads says so', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'photo.bmp'), 'x');
    const r = zipin('extract', dir, '--db', join(dir, 'z.sqlite'), '--verbose');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`zipin: extract: no supported files found under ${dir} (1 other file(s) skipped; --verbose names them)\nzipin: extract: skipped: ${join(dir, 'photo.bmp')}\n`);
  });
});

describe('extract: what the summary says', () => {
  it('names a file with the same bytes as another, and its counts equal the database\'s', () => {
    const dir = tempDir();
    copyFileSync(corpusFile(DOCS.guihua), join(dir, 'a.txt'));
    copyFileSync(corpusFile(DOCS.guihua), join(dir, 'b.txt'));
    copyFileSync(corpusFile(DOCS.shuju), join(dir, 'c.txt'));
    writeFileSync(join(dir, 'notes.doc.bak'), 'x');
    const db = join(tempDir(), 'z.sqlite');
    const r = zipin('extract', dir, '--db', db, '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(s).toMatchObject({
      documents: 2, ok: 2, unchanged: 0, evaluations: 17,
      duplicates: [{ path: join(dir, 'b.txt'), of: join(dir, 'a.txt') }], skipped: [join(dir, 'notes.doc.bak')],
    });
    expect([count(db, 'documents'), count(db, 'evaluations')]).toEqual([s.documents, s.evaluations]);
    const text = zipin('extract', dir, '--db', join(tempDir(), 'y.sqlite'), '--verbose');
    expect(text.stdout).toContain(`duplicate: ${join(dir, 'b.txt')} has the same bytes as ${join(dir, 'a.txt')}; read once`);
    expect(text.stdout).toContain(`skipped: 1 file(s) zipin does not read\n  ${join(dir, 'notes.doc.bak')}`);
  });

  it('an archive\'s member with the bytes of an input after the archive is its duplicate: every input is checked before a member is', async () => {
    const dir = tempDir();
    const bytes = readFileSync(join(FIXTURES, '003_e7112b8e4e2d84a4.xlsx'));
    writeFileSync(join(dir, 'a.7z'), await sevenZip({ 'in/003.xlsx': bytes }));
    writeFileSync(join(dir, 'b.xlsx'), bytes);
    const r = zipin('extract', dir, '--db', join(tempDir(), 'z.sqlite'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ documents: 1, duplicates: [{ path: `${join(dir, 'a.7z')}!/in/003.xlsx`, of: join(dir, 'b.xlsx') }] });
  });

  it('status lists each run with what it did', () => {
    const db = join(tempDir(), 'z.sqlite');
    zipin('extract', join(PACKAGE_ROOT, 'corpus'), '--db', db, '-q');
    zipin('extract', join(PACKAGE_ROOT, 'corpus'), '--db', db, '-q');
    const r = zipin('status', '--db', db);
    expect(r.stdout).toMatch(/^ {2}2 .* extract .*\n {6}documents 0 \(ok 0, failed 0, unchanged 5 not read again\), evaluations written 0$/m);
    expect(r.stdout).toMatch(/^ {2}1 .* extract .*\n {6}documents 5 \(ok 5, failed 0\), evaluations written 58$/m);
  });

  it('a folder walk takes what the bytes show whatever the name (a PDF named "report", a Word 97 file named .dat), and names what it skips', () => {
    const dir = tempDir();
    copyFileSync(join(FIXTURES, 'other-issuer.pdf'), join(dir, 'report'));
    copyFileSync(join(FIXTURES, 'region-sichuan.doc'), join(dir, '附件.dat'));
    for (let k = 0; k < 7; k++) writeFileSync(join(dir, `notes-${k}.md`), `# ${k}`);
    const r = zipin('extract', dir, '--db', join(tempDir(), 'z.sqlite'));
    expect(r.stdout).toContain('documents: 2 (ok 2');
    expect(r.stdout).toContain(`skipped: 7 file(s) zipin does not read (the first 5; --verbose names them all)\n  ${join(dir, 'notes-0.md')}`);
  });

  it('-q prints nothing but errors', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.txt'), '');
    copyFileSync(corpusFile(DOCS.guihua), join(dir, 'g.txt'));
    const r = zipin('extract', dir, '--db', join(dir, 'z.sqlite'), '-q');
    expect([r.code, r.stdout, r.stderr]).toEqual([1, '', `zipin: extract: ${join(dir, 'empty.txt')}: empty file (0 bytes)\n`]);
  });

  it('"-" reads a document from standard input, recorded as "-"', () => {
    const db = join(tempDir(), 'z.sqlite');
    const r = zipinWith(readFileSync(join(FIXTURES, '003_e7112b8e4e2d84a4.xlsx')), 'extract', '-', '--db', db);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('documents: 1 (ok 1');
    expect(queryDb(db, 'SELECT source, format FROM documents')).toEqual([{ source: '-', format: 'xlsx' }]);
    expect(count(db, 'evaluations')).toBe(8);
    // The same bytes again: unchanged, by their hash, whatever they are called.
    expect(zipinWith(readFileSync(join(FIXTURES, '003_e7112b8e4e2d84a4.xlsx')), 'extract', '-', '--db', db).stdout).toContain('unchanged: 1 file(s)');
  });
});

describe('inspect and totext read standard input and speak JSON', () => {
  let pdf: Buffer;
  beforeAll(() => { pdf = readFileSync(join(FIXTURES, 'region-sichuan.chromium.pdf')); });

  it('inspect - --json gives the document and its evaluations', () => {
    const r = zipinWith(pdf, 'inspect', '-', '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { document: { source: string; format: string; status: string }; evaluations: Array<{ projectCode: string }> };
    expect(result.document).toMatchObject({ source: '-', format: 'pdf', status: 'ok' });
    expect(result.evaluations.map((e) => e.projectCode)).toEqual(['51092324T000010263357']);
  });

  it('totext - prints the rebuilt table', () => {
    const r = zipinWith(pdf, 'totext', '-');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('项目名称\t51092324T000010263357-2023年全县安可替代补助资金项目');
  });

  it('a file that holds its parser in a loop is stopped at --timeout (damage 557 of the .xls series sends SheetJS round)', () => {
    const file = join(tempDir(), 'looping.xls');
    writeFileSync(file, seededDamage(readFileSync(join(FIXTURES, '003_e7112b8e4e2d84a4.xls')), 557));
    for (const command of ['totext', 'inspect']) {
      const r = zipin(command, file, '--timeout', '1');
      expect([r.code, r.stderr]).toEqual([1, `zipin: ${command}: ${file}: timed out after 1 s\n`]);
    }
  });

  it('so is a TIFF whose damage holds UTIF\'s G4 decoder in a loop (damage 8 of its series)', () => {
    const file = join(tempDir(), 'looping.tif');
    writeFileSync(file, seededDamage(readFileSync(join(FIXTURES, '000_53bb5e2acbd336ec.blocks-4-5.scan.tif')), 8));
    const r = zipin('totext', file, '--timeout', '2');
    expect([r.code, r.stderr]).toEqual([1, `zipin: totext: ${file}: timed out after 2 s\n`]);
  });

  it('a failure goes to standard error, the JSON still says it', () => {
    const r = zipinWith(Buffer.alloc(0), 'inspect', '-', '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('zipin: inspect: -: empty file (0 bytes)\n');
    expect(JSON.parse(r.stdout)).toMatchObject({ document: { status: 'failed', error: 'empty file (0 bytes)' } });
  });
});

describe('progress on a terminal', () => {
  it('draws counts on one line where no total is known (crawl), and clears it for messages', async () => {
    const { ProgressBar } = await import('../src/cli/progress.js');
    const written: string[] = [];
    const tty = { isTTY: true, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    const bar = new ProgressBar(tty);
    bar.status('pages 3 · attachments new 2, changed 0, unchanged 5, failed 1');
    bar.log('zipin: crawl: http://127.0.0.2/x.pdf: HTTP 404');
    bar.done();
    expect(written).toEqual([
      '\r\x1b[Kpages 3 · attachments new 2, changed 0, unchanged 5, failed 1', '\r\x1b[K', 'zipin: crawl: http://127.0.0.2/x.pdf: HTTP 404\n', '\r\x1b[K',
    ]);
    const silent: string[] = [];
    new ProgressBar({ isTTY: false, write: (s: string) => silent.push(s) } as unknown as NodeJS.WriteStream).status('x');
    expect(silent).toEqual([]); // not a terminal: nothing drawn
  });
});
