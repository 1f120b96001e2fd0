import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, CORPUS, corpusFile, DOCS, FIXTURES, tempDir, zipinSync } from './helpers.js';

const zipin = zipinSync;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does)`);
});

describe('zipin extract on the corpus', () => {
  const db = join(tempDir(), 'zipin.sqlite');

  it('extracts 5 documents and 58 evaluations; a re-run leaves the unchanged files alone, --force reads them again', () => {
    const first = zipin('extract', CORPUS, '--db', db);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('documents: 5 (ok 5, no blocks 0, failed 0)');
    expect(first.stdout).toContain('evaluations: 58 (confidence high 52, medium 5, low 1)');
    expect(first.stdout).toContain('indicators: 714');
    expect(first.stdout).toContain('(run 1)');
    const ids = () => new Database(db, { readonly: true }).prepare('SELECT group_concat(id) AS ids FROM evaluations').get();
    const before = ids();
    const again = zipin('extract', CORPUS, '--db', db);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('documents: 0 (ok 0, no blocks 0, failed 0)');
    expect(again.stdout).toContain('unchanged: 5 file(s) already read with the same bytes by this zipin version; their rows untouched');
    expect(ids()).toEqual(before); // not rewritten
    const forced = zipin('extract', CORPUS, '--db', db, '--force');
    expect(forced.stdout).toContain('documents: 5 (ok 5, no blocks 0, failed 0)');
    expect(forced.stdout).toContain('(run 3)');
    expect(ids()).not.toEqual(before);
    const d = new Database(db, { readonly: true });
    const n = (sql: string) => (d.prepare(sql).get() as { n: number }).n;
    expect(n('SELECT count(*) n FROM documents')).toBe(5);
    expect(n('SELECT count(*) n FROM evaluations')).toBe(58);
    expect(n('SELECT count(*) n FROM indicators')).toBe(714);
    expect(n('SELECT count(*) n FROM funding')).toBe(232);
    expect(n('SELECT count(*) n FROM runs WHERE finished_at IS NOT NULL AND evaluations_written = 58')).toBe(2);
    expect(n('SELECT count(*) n FROM runs WHERE documents_unchanged = 5 AND documents_seen = 0')).toBe(1);
    expect(d.prepare(`SELECT block_index, project_name, year, line_start, line_end, total_weight, total_score
      FROM evaluations e JOIN documents d ON d.id = e.document_id WHERE d.source LIKE '%004_%' AND block_index IN (0, 23) ORDER BY block_index`).all()).toEqual([
      { block_index: 0, project_name: '大厅运营事务', year: 2021, line_start: 5, line_end: 33, total_weight: 100, total_score: 100 },
      { block_index: 23, project_name: '预算准备金', year: 2021, line_start: 831, line_end: 851, total_weight: 100, total_score: 0 },
    ]);
    expect(d.prepare(`SELECT f.full_year_yuan, f.executed_yuan, f.rate, f.rate_raw FROM funding f JOIN evaluations e ON e.id = f.evaluation_id
      WHERE e.project_name = '网络安全监测预警' AND f.line = 'total'`).get()).toEqual(
      { full_year_yuan: 6013452.67, executed_yuan: 5979882.63, rate: 0.9944, rate_raw: '99.44' },
    );
    expect(d.prepare(`SELECT level1, level1_points, level1_code, level2_code, name, target_op, target_value, target_unit, weight, score
      FROM indicators i JOIN evaluations e ON e.id = i.evaluation_id WHERE e.project_name = '接待费' AND i.seq = 1`).get()).toEqual({
      level1: '产出指标', level1_points: 50, level1_code: 'output', level2_code: 'quantity', name: '年接待次数',
      target_op: '≥', target_value: 30, target_unit: '次', weight: 15, score: 15,
    });
    d.close();
  });
});

describe('zipin extract on bad input', () => {
  it('records each bad file with a one-line reason and goes on', () => {
    const dir = tempDir();
    copyFileSync(corpusFile(DOCS.guihua), join(dir, 'good.txt'));
    writeFileSync(join(dir, 'empty.txt'), '');
    writeFileSync(join(dir, 'garbage.txt'), Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 131 + 7) % 256)));
    copyFileSync(join(FIXTURES, '003.gb18030.txt'), join(dir, 'gb18030.txt'));
    writeFileSync(join(dir, 'notes.txt'), '部门决算说明\n收入合计\t100\n');
    writeFileSync(join(dir, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47])); // a scan cut short: read, and failed
    writeFileSync(join(dir, 'image.bmp'), 'BM'); // no format zipin reads: skipped
    mkdirSync(join(dir, 'nested'));
    copyFileSync(corpusFile(DOCS.shuju), join(dir, 'nested', 'deep.txt'));
    const db = join(tempDir(), 'out', 'z.sqlite');

    symlinkSync(join(dir, 'missing.txt'), join(dir, 'dangling.txt'));
    const r = zipin('extract', dir, '--db', db, '--concurrency', '2');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('documents: 8 (ok 3, no blocks 1, failed 4)');
    expect(r.stdout, r.stdout).toContain(`skipped: 1 file(s) zipin does not read\n  ${join(dir, 'image.bmp')}`);
    expect(r.stdout).toContain('evaluations: 25');
    const failures = r.stderr.trim().split('\n');
    expect(failures.sort()).toEqual([
      `zipin: extract: ${join(dir, 'empty.txt')}: empty file (0 bytes)`,
      `zipin: extract: ${join(dir, 'garbage.txt')}: not a text document (binary data or unknown encoding)`,
      `zipin: extract: ${join(dir, 'dangling.txt')}: cannot read file: no such file`,
      `zipin: extract: ${join(dir, 'image.png')}: broken PNG: no IHDR header`,
    ].sort());
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack traces

    const d = new Database(db, { readonly: true });
    const statuses = d.prepare('SELECT source, status FROM documents ORDER BY source').all() as Array<{ source: string; status: string }>;
    expect(statuses.map((s) => [s.source.slice(dir.length + 1), s.status])).toEqual([
      ['dangling.txt', 'failed'], ['empty.txt', 'failed'], ['garbage.txt', 'failed'], ['gb18030.txt', 'ok'], ['good.txt', 'ok'], ['image.png', 'failed'], ['nested/deep.txt', 'ok'], ['notes.txt', 'no_blocks'],
    ]);
    d.close();
  });

  it.each([
    [[], /unknown command|Usage/],
    [['extract'], /needs at least one file/],
    [['extract', 'corpus', '--concurrency', '0'], /--concurrency takes a whole number/],
    [['extract', 'corpus', '--frobnicate'], /^zipin: extract: unknown option --frobnicate\n\(see zipin extract --help\)\n$/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('usage error %j exits 2', (args, message) => {
    const r = zipin(...args);
    expect(r.code).toBe(2);
    if (args.length > 0) expect(r.stderr).toMatch(message);
  });
});

describe('zipin inspect', () => {
  it('shows each block with its lines, header, funding, indicators and flags', () => {
    const r = zipin('inspect', corpusFile(DOCS.shuju));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ok; 9 block(s)');
    expect(r.stdout).toContain('■ block 0: 项目支出绩效自评表 — lines 3–26 — confidence high');
    expect(r.stdout).toContain('■ block 8: 项目支出绩效自评表 — lines 218–245 — confidence low');
    expect(r.stdout).toContain('[error] total_unreadable: 总分 得分 is unreadable: "#REF!"');
    expect(r.stdout).toMatch(/ 6 {2}20 {2}产出指标 {2}时效指标 {6}完成验收检测 {6}具备检测条件 {2}检测实施平均/);
  });

  it('--draw writes one SVG per page: rules, cells with their spans, text runs, blocks, rows coloured by role', () => {
    const dir = tempDir();
    const r = zipin('inspect', join(FIXTURES, 'region-sichuan.chromium.pdf'), '--draw', dir);
    expect(r.code, r.stderr).toBe(0);
    const file = join(dir, 'region-sichuan.chromium.pdf.page-1.svg');
    expect(r.stdout).toContain(`drawings (open in a browser):\n  ${file}`);
    const svg = readFileSync(file, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect((svg.match(/<line /g) ?? []).length).toBeGreaterThan(20); // the ruling lines
    expect(svg).toContain('>总额</text>'); // a text run
    expect(svg).toMatch(/stroke-dasharray="3 2"><title>line 15 \(indicator\), cell 2: columns 2–2, 4 row\(s\)/); // 产出指标 over four rows
    expect(svg).toMatch(/fill="#f28e2b"[^>]*><title>line 16 \(indicator\)/); // indicator rows in their colour
    expect(svg).toMatch(/fill="#59a14f"[^>]*><title>line 7 \(funding\)/);
    expect(svg).toMatch(/fill="#b07aa1"[^>]*><title>line 21 \(total\)/); // 合计 closes the form
    expect(svg).toContain('block 0: 2023年全县安可替代补助资金项目 (high)');
  });

  it('explains a file it cannot use', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x.txt'), '');
    const r = zipin('inspect', join(dir, 'x.txt'));
    expect(r.code).toBe(1);
    expect([r.stdout, r.stderr]).toEqual(['', `zipin: inspect: ${join(dir, 'x.txt')}: empty file (0 bytes)\n`]);
  });
});
