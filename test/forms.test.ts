import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { processFile } from '../src/pipeline/process.js';
import { Store } from '../src/store/store.js';
import { CORPUS, corpusFile, DOCS, FIXTURES, queryDb, tempDir, zipinSync } from './helpers.js';

/**
 * One form, one row. The corpus published again as .xlsx, .doc and web pages (corpus-copies.zip,
 * test/fixtures/src/make-copies.mjs), a copy with one figure changed, a scan beside its text
 * layer, and a form of the next year: each form is counted once, lists its sources, and says
 * where its copies disagree; a project is followed across years.
 */

/** Files written into one dataset the way `extract` writes them (archives member by member). */
async function dataset(files: ReadonlyArray<readonly [bytes: Buffer, source: string]>): Promise<string> {
  const path = join(tempDir(), 'zipin.sqlite');
  const store = new Store(path);
  for (const [bytes, source] of files) for (const r of await processFile(bytes, source)) store.writeDocument(r.document, r.evaluations);
  store.close();
  return path;
}

const corpus = Object.values(DOCS).map((name) => [readFileSync(corpusFile(name)), `corpus/${name}`] as const);
const copies = [readFileSync(join(FIXTURES, 'corpus-copies.zip')), 'corpus-copies.zip'] as const;
const compareOut = (db: string, ...args: string[]) => zipinSync('compare', '--db', db, ...args).stdout;

describe('the corpus together with the same forms as .xlsx, .doc and web pages', () => {
  let alone: string;
  let both: string;
  beforeAll(async () => {
    [alone, both] = [await dataset(corpus), await dataset([...corpus, copies])];
  }, 120_000);

  it('holds four copies of each of the 58 forms, and counts each form once', () => {
    expect(queryDb(both, 'SELECT count(*) AS forms, sum(copies) AS copies, count(disagreement) AS disagreeing FROM forms')).toEqual([{ forms: 58, copies: 232, disagreeing: 0 }]);
    expect(queryDb(both, 'SELECT count(*) AS n FROM evaluations WHERE counted = 1')).toEqual([{ n: 58 }]);
    expect(queryDb(both, 'SELECT DISTINCT copies FROM forms')).toEqual([{ copies: 4 }]);
  });

  it('compare prints exactly the figures of the corpus alone, in every format and grouping', () => {
    for (const args of [['--sort', 'gap'], ['--by', 'unit', '--format', 'json'], ['--by', 'year', '--format', 'csv'], ['--year', '2022']]) {
      expect(compareOut(both, ...args), args.join(' ')).toBe(compareOut(alone, ...args));
    }
    // 深圳市规划和自然资源局 (003): 8 projects and 18,366,948.19 元, not twice that.
    expect(compareOut(both)).toMatch(/深圳市规划和自然资源局\s+8\s+0\s+18,366,948\.19/);
  });

  it('every form lists its sources: the text file, the spreadsheet, the Word file and the web page, one of them counted', () => {
    const sources = queryDb(both, `SELECT p.project_name, group_concat(s.format || ':' || s.counted, ' ') AS sources FROM projects p
      JOIN form_sources s ON s.form_id = p.form_id WHERE p.project_name = '不动产及房地产业务运维' GROUP BY p.form_id`);
    expect(sources).toEqual([{ project_name: '不动产及房地产业务运维', sources: expect.any(String) }]);
    // The text export's cells were put back in their columns (repairs); a table's own cells were not: one of those is counted.
    expect(String(sources[0]!.sources).split(' ').map((s) => s.split(':')[0]).sort()).toEqual(['doc', 'html', 'text', 'xlsx']);
    expect(String(sources[0]!.sources)).not.toContain('text:1');
    expect(String(sources[0]!.sources).split(' ').filter((s) => s.endsWith(':1'))).toHaveLength(1);
    expect(queryDb(both, "SELECT count(*) AS n FROM form_sources WHERE source LIKE 'corpus-copies.zip!/%'")).toEqual([{ n: 174 }]);
  });

  it('the judgements views and the projects view count forms', () => {
    for (const view of ['judgements', 'shortfalls', 'evaluation_judgements', 'projects']) {
      expect(queryDb(both, `SELECT count(*) AS n FROM ${view}`), view).toEqual(queryDb(alone, `SELECT count(*) AS n FROM ${view}`));
    }
  });

  it('export writes the forms, their sources and the projects, and marks the copy counted in every row', () => {
    const dir = tempDir();
    const r = zipinSync('export', '--db', both, '--out', dir);
    expect(r.stdout).toContain(`${join(dir, 'forms.csv')}: 58 rows`);
    expect(r.stdout).toContain(`${join(dir, 'form_sources.csv')}: 232 rows`);
    expect(r.stdout).toContain(`${join(dir, 'indicators_flat.csv')}: 2856 rows`);
    const flat = readFileSync(join(dir, 'indicators_flat.csv'), 'utf8').split('\r\n');
    expect(flat[0]).toMatch(/^\uFEFFdocument_id,source,sha256,format,document_status,form_id,counted,/);
  });

  it('the extract summary counts the forms of the dataset beside the evaluations it wrote', () => {
    const dir = tempDir();
    const r = zipinSync('extract', CORPUS, join(FIXTURES, 'corpus-copies.zip'), '--db', join(dir, 'z.sqlite'));
    expect(r.stdout).toContain('evaluations: 232 (confidence');
    expect(r.stdout).toContain('forms: 58 in the dataset (174 more copies of them; 0 whose copies disagree)');
  });
});

describe('copies that differ', () => {
  // Corpus 003's first form again, its 全年执行数 corrected: 1454200.00 → 1453200.00 (a re-publication).
  const text = readFileSync(corpusFile(DOCS.guihua), 'utf8');
  const changed = Buffer.from(text.replace('\t年度资金总额\t1454200.00\t1454200.00\t1454200.00\t', '\t年度资金总额\t1454200.00\t1454200.00\t1453200.00\t'));

  it('are flagged copies_disagree on the form with both values, each copy keeping its own', async () => {
    expect(changed.toString()).not.toBe(text);
    const db = await dataset([[Buffer.from(text), 'corpus/003.txt'], [changed, 'republished/003.txt']]);
    const flags = queryDb(db, "SELECT f.evaluation_id, f.severity, f.message FROM flags f WHERE f.code = 'copies_disagree'");
    expect(flags).toHaveLength(1);
    expect(flags[0]!.severity).toBe('warn');
    expect(flags[0]!.message).toMatch(/^2 copies of this form give different figures — 年度资金总额 全年执行数: (1454200|1453200) in .+, (1453200|1454200) in .+; counted: /);
    expect(String(flags[0]!.message)).toContain('corpus/003.txt (text, lines 3–');
    expect(String(flags[0]!.message)).toContain('republished/003.txt (text, lines 3–');
    // Nothing averaged: each copy holds what it printed; the form is counted from one of them.
    expect(queryDb(db, `SELECT d.source, f.executed_yuan, e.counted, e.confidence FROM funding f JOIN evaluations e ON e.id = f.evaluation_id
      JOIN documents d ON d.id = e.document_id WHERE f.line = 'total' AND e.block_index = 0 ORDER BY d.source`)).toEqual([
      { source: 'corpus/003.txt', executed_yuan: 1454200, counted: expect.any(Number), confidence: expect.any(String) },
      { source: 'republished/003.txt', executed_yuan: 1453200, counted: expect.any(Number), confidence: expect.any(String) },
    ]);
    const counted = queryDb(db, "SELECT e.id, e.confidence FROM evaluations e JOIN forms f ON f.id = e.form_id WHERE e.counted = 1 AND f.disagreement IS NOT NULL");
    expect(counted).toEqual([{ id: flags[0]!.evaluation_id, confidence: 'medium' }]);
    expect(queryDb(db, 'SELECT count(*) AS forms, sum(copies) AS copies, count(disagreement) AS disagreeing FROM forms')).toEqual([{ forms: 8, copies: 16, disagreeing: 1 }]);
  });

  it('many copies in other bytes and one corrected: each value said once with how many copies give it, the same copy counted whatever the order', async () => {
    const mirrors = [1, 2, 3].map((k) => [Buffer.from(`${text}\n（镜像 ${k}）\n`), `mirror-${k}/003.txt`] as const);
    const files = [...mirrors, [changed, 'republished/003.txt'] as const];
    const [forward, backward] = [await dataset(files), await dataset([...files].reverse())];
    for (const db of [forward, backward]) {
      const [flag] = queryDb(db, "SELECT message FROM flags WHERE code = 'copies_disagree'");
      expect(String(flag!.message)).toMatch(/^4 copies of this form give different figures — 年度资金总额 全年执行数: /);
      const said = String(flag!.message).split(' — ')[1]!.split('; counted: ')[0]!;
      // The three mirrors agree: one value said for them; the corrected copy's value said apart.
      expect(said).toMatch(/1454200 in mirror-\d\/003\.txt \(text, lines 3–\d+\) and 2 more copies/);
      expect(said).toMatch(/1453200 in republished\/003\.txt \(text, lines 3–\d+\)(,|$)/);
      expect(queryDb(db, 'SELECT DISTINCT copies FROM forms')).toEqual([{ copies: 4 }]);
    }
    const countedOf = (db: string) => queryDb(db, `SELECT e.block_index, d.source FROM evaluations e JOIN documents d ON d.id = e.document_id
      WHERE e.counted = 1 ORDER BY e.block_index`);
    expect(countedOf(backward)).toEqual(countedOf(forward));
  });

  it('a text layer is counted over a scan of the same form, and the figures OCR misread are said', async () => {
    const db = await dataset([[readFileSync(join(FIXTURES, 'other-issuer.scan.png')), 'scan.png'], [readFileSync(join(FIXTURES, 'other-issuer.pdf')), 'form.pdf']]);
    expect(queryDb(db, `SELECT d.format, e.counted FROM evaluations e JOIN documents d ON d.id = e.document_id ORDER BY d.format`)).toEqual([
      { format: 'image', counted: 0 }, { format: 'pdf', counted: 1 },
    ]);
    expect(queryDb(db, 'SELECT copies FROM forms')).toEqual([{ copies: 2 }]);
  }, 60_000);

  it('when the counted copy goes (its file read again to nothing), the other is counted and the form agrees again', async () => {
    const path = join(tempDir(), 'zipin.sqlite');
    const store = new Store(path);
    for (const [bytes, source] of [[Buffer.from(text), 'corpus/003.txt'], [changed, 'republished/003.txt']] as const) {
      for (const r of await processFile(bytes, source)) store.writeDocument(r.document, r.evaluations);
    }
    const [first] = queryDb(path, "SELECT d.sha256 FROM evaluations e JOIN documents d ON d.id = e.document_id WHERE e.counted = 1 AND e.block_index = 0");
    // The same bytes read again by a version that finds no form in them: its evaluations go.
    store.writeDocument({ sha256: String(first!.sha256), source: 'x.txt', format: 'text', pages: null, extractedAt: '', pipelineVersion: 'next', status: 'no_blocks', error: null, url: null }, []);
    store.close();
    expect(queryDb(path, 'SELECT count(*) AS forms, sum(copies) AS copies, count(disagreement) AS disagreeing FROM forms')).toEqual([{ forms: 8, copies: 8, disagreeing: 0 }]);
    expect(queryDb(path, "SELECT count(*) AS n FROM flags WHERE code = 'copies_disagree'")).toEqual([{ n: 0 }]);
    expect(queryDb(path, 'SELECT count(*) AS n FROM evaluations WHERE counted = 1')).toEqual([{ n: 8 }]);
  });
});

describe('a copy that knows no year', () => {
  // Forms 4–5 of corpus 000 as a Writer PDF: alone they say no year (year_unknown); the whole text
  // says 2021 (inferred from its cells). The same text with 2022 in every heading: the projects' next year.
  const whole = [readFileSync(corpusFile(DOCS.shuju)), 'corpus/000.txt'] as const;
  const excerpt = [readFileSync(join(FIXTURES, '000_53bb5e2acbd336ec.blocks-4-5.writer.pdf')), 'excerpt.pdf'] as const;
  const nextYear = [Buffer.from(readFileSync(corpusFile(DOCS.shuju), 'utf8').replaceAll('\n项目支出绩效自评表', '\n2022年项目支出绩效自评表')), 'next/000.txt'] as const;
  const shape = (db: string) => ({
    forms: queryDb(db, 'SELECT count(*) AS forms, sum(copies) AS copies, sum(year IS NULL) AS yearless FROM forms')[0],
    counted: queryDb(db, `SELECT d.source, e.block_index FROM evaluations e JOIN documents d ON d.id = e.document_id WHERE e.counted = 1 ORDER BY 1, 2`),
    ambiguous: queryDb(db, `SELECT d.source, f.message FROM flags f JOIN evaluations e ON e.id = f.evaluation_id JOIN documents d ON d.id = e.document_id
      WHERE f.code = 'form_ambiguous' ORDER BY e.block_index`),
  });

  it('is a copy of its series\' one dated form, read before it or after, and the dated copy is counted', async () => {
    const [before, after] = [await dataset([excerpt, whole]), await dataset([whole, excerpt])];
    expect(shape(before)).toEqual(shape(after));
    expect(shape(before).forms).toEqual({ forms: 9, copies: 11, yearless: 0 });
    expect(shape(before).counted.every((c) => c.source === 'corpus/000.txt')).toBe(true);
  }, 60_000);

  it('stays apart where its project is there in two years, saying so, whatever the order', async () => {
    const orders = [[excerpt, whole, nextYear], [whole, excerpt, nextYear], [nextYear, whole, excerpt]] as const;
    const shapes = [];
    for (const files of orders) shapes.push(shape(await dataset(files)));
    expect(shapes[1]).toEqual(shapes[0]);
    expect(shapes[2]).toEqual(shapes[0]);
    expect(shapes[0]!.forms).toEqual({ forms: 20, copies: 20, yearless: 2 });
    expect(shapes[0]!.ambiguous).toEqual([1, 2].map(() => ({
      source: 'excerpt.pdf', message: 'the form lacks its year and implementing unit, and 2 forms of its project have it (2021, no unit; 2022, no unit): counted apart',
    })));
  }, 60_000);
});

describe('the same forms as PDFs of three producers', () => {
  it('are counted once: Calc\'s 27-page report and excerpts by Writer, Writer/Web (its first heading lost) and Chromium', async () => {
    const db = await dataset(['004_7f468a29561a31e4.calc.pdf', '004_7f468a29561a31e4.blocks-2-3.writer-web.pdf', '004_7f468a29561a31e4.blocks-16-17.writer.pdf',
      '004_7f468a29561a31e4.blocks-8-8.chromium.pdf'].map((f) => [readFileSync(join(FIXTURES, f)), f] as const));
    expect(queryDb(db, 'SELECT count(*) AS forms, sum(copies) AS copies, count(disagreement) AS disagreeing FROM forms')).toEqual([{ forms: 24, copies: 29, disagreeing: 0 }]);
    expect(queryDb(db, 'SELECT DISTINCT year FROM forms')).toEqual([{ year: 2021 }]);
  }, 120_000);
});

describe('a copy that prints no implementing unit', () => {
  // Corpus 003 prints no 实施单位; the same text with one filled in, and with another.
  const text = readFileSync(corpusFile(DOCS.guihua), 'utf8');
  const bare = [Buffer.from(text), 'corpus/003.txt'] as const;
  const withUnit = (unit: string, source: string) => [Buffer.from(text.replaceAll('实施单位\t\t', `实施单位\t${unit}\t`)), source] as const;
  const registry = withUnit('深圳市不动产登记中心', 'registry/003.txt');
  const shape = (db: string) => ({
    forms: queryDb(db, 'SELECT count(*) AS forms, sum(copies) AS copies FROM forms')[0],
    counted: queryDb(db, 'SELECT d.source, count(*) AS n FROM evaluations e JOIN documents d ON d.id = e.document_id WHERE e.counted = 1 GROUP BY 1 ORDER BY 1'),
    ambiguous: queryDb(db, "SELECT count(*) AS n, min(message) AS message FROM flags WHERE code = 'form_ambiguous'")[0],
  });

  it('is a copy of the one form of its project that prints it, read before it or after', async () => {
    const [before, after] = [await dataset([bare, registry]), await dataset([registry, bare])];
    expect(shape(before)).toEqual(shape(after));
    expect(shape(before)).toMatchObject({ forms: { forms: 8, copies: 16 }, ambiguous: { n: 0 } });
  }, 60_000);

  it('stays apart where two forms of its project print different units, saying so', async () => {
    const other = withUnit('深圳市房地产信息中心', 'other/003.txt');
    const [one, two] = [await dataset([bare, registry, other]), await dataset([other, bare, registry])];
    expect(shape(one)).toEqual(shape(two));
    expect(shape(one).forms).toEqual({ forms: 24, copies: 24 });
    expect(shape(one).ambiguous).toEqual({ n: 8, message: expect.stringMatching(/^the form lacks its implementing unit, and 2 forms of its project have it \(2020, 深圳市(不动产登记中心|房地产信息中心); 2020, 深圳市(不动产登记中心|房地产信息中心)\): counted apart$/) });
  }, 60_000);
});

describe('one project across years', () => {
  // Corpus 004's first form, and the same project's form of the next year: another heading, other figures.
  const text = readFileSync(corpusFile(DOCS.dapeng), 'utf8');
  const form2021 = text.slice(0, text.indexOf('填报说明'));
  const form2022 = form2021.replaceAll('2021年', '2022年').replace('3578500.00\t3578251.66', '3800000.00\t3650000.00').replace('99.99\t10', '96.05\t9.61');
  // A 2022-style form of corpus 002 and its next year's, the project renamed but its 项目编码 the same.
  const juesuan = readFileSync(corpusFile(DOCS.juesuan), 'utf8');
  const start = juesuan.indexOf('项目编码:\t440300211311500026154');
  const coded = juesuan.slice(juesuan.lastIndexOf('项目支出绩效自评表', start), juesuan.indexOf('\n', juesuan.indexOf('\n总分', start) + 1));
  const renamed = coded.replace('政务数据管理', '政务数据管理服务').replace('绩效自评年度:\t2022', '绩效自评年度:\t2023');

  it('is one series with a row per year: its execution rate and scores year over year', async () => {
    const db = await dataset([[Buffer.from(form2021), 'y2021.txt'], [Buffer.from(form2022), 'y2022.txt']]);
    const rows = queryDb(db, 'SELECT series, year, project_name, budget_yuan, executed_yuan, total_score FROM projects ORDER BY year');
    expect(rows.map((r) => [r.year, r.project_name, r.budget_yuan, r.executed_yuan])).toEqual([[2021, '大厅运营事务', 3578500, 3578251.66], [2022, '大厅运营事务', 3800000, 3650000]]);
    expect(new Set(rows.map((r) => r.series)).size).toBe(1);
    const years = JSON.parse(zipinSync('compare', '--db', db, '--by', 'year', '--department', '深圳市大鹏新区政务服务数据管理局', '--format', 'json').stdout) as Array<{ group: string; execution_rate: number }>;
    expect(years.map((y) => [y.group, y.execution_rate])).toEqual([['2021', 0.999931], ['2022', 0.960526]]); // in year order
  });

  it('links a renamed project by its 项目编码, and lists the link for checking', async () => {
    const db = await dataset([[Buffer.from(coded), 'y2022.txt'], [Buffer.from(renamed), 'y2023.txt']]);
    expect(queryDb(db, 'SELECT year, project_name FROM projects ORDER BY year')).toEqual([{ year: 2022, project_name: '政务数据管理' }, { year: 2023, project_name: '政务数据管理服务' }]);
    expect(queryDb(db, 'SELECT year_a, name_a, year_b, name_b, rule FROM series_links')).toEqual([
      { year_a: 2022, name_a: '政务数据管理', year_b: 2023, name_b: '政务数据管理服务', rule: 'same 项目编码' },
    ]);
  });
});
