import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extract } from '../src/extract/index.js';
import { extractHtml } from '../src/extract/web/html.js';
import { sniff } from '../src/extract/sniff.js';
import { extractSpreadsheet } from '../src/extract/office/spreadsheet.js';
import { FORM_SENSE } from '../src/form/sense.js';
import { processDocument } from '../src/pipeline/process.js';
import { DOCS, evaluationsOf, fields, FIXTURES, seededDamage } from './helpers.js';

const X = createRequire(import.meta.url)('@e965/xlsx') as typeof import('@e965/xlsx');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

describe('corpus document 003 as published in other formats (make-format-fixtures.mjs) gives the records of its text', () => {
  const text = evaluationsOf(DOCS.guihua);
  it.each([
    ['003_e7112b8e4e2d84a4.xlsx', 'xlsx'], ['003_e7112b8e4e2d84a4.xls', 'xls'], ['003_e7112b8e4e2d84a4.article.gbk.html', 'html'],
    ['003_e7112b8e4e2d84a4.docx', 'docx'], ['003_e7112b8e4e2d84a4.doc', 'doc'], ['003_e7112b8e4e2d84a4.mht.doc', 'html'],
  ])('%s', async (name, format) => {
    const result = await processDocument(fixture(name), name);
    expect(result.document).toMatchObject({ status: 'ok', format });
    expect(result.evaluations).toHaveLength(8);
    result.evaluations.forEach((e, b) => expect(fields(e), `block ${b}`).toEqual(fields(text[b]!)));
    // The table's own cells: nothing to repair.
    expect(result.evaluations.flatMap((e) => e.flags).filter((f) => f.code === 'column_shift' || f.code === 'row_unplaced')).toEqual([]);
  });

  it('keeps the sheet and row number as provenance', async () => {
    const [e] = (await processDocument(fixture('003_e7112b8e4e2d84a4.xlsx'), 'x.xlsx')).evaluations;
    expect([e!.pageStart, e!.lineStart]).toEqual([1, 1]);
    expect(e!.indicators[0]!.page).toBe(1);
  });
});

describe('workbooks', () => {
  /** A sheet as an issuer keeps it: a merged label, a hidden helper row and column, a formula, a broken reference, a hidden sheet. */
  function workbook(type: 'xlsx' | 'biff8'): Buffer {
    const ws = X.utils.aoa_to_sheet([
      ['项目名称', '测试项目', '', '内部备注'],
      ['辅助行', '不打印', '', ''],
      ['金额', 1454200, '', ''],
      ['合计', '', '', ''],
    ]);
    ws['B3'] = { t: 'n', v: 1454200, z: '#,##0.00' };
    ws['B4'] = { t: 'n', v: 1454200, f: 'B3', z: '#,##0.00' };
    ws['C4'] = { t: 'e', v: 0x17, w: '#REF!' };
    ws['!merges'] = [{ s: { r: 0, c: 1 }, e: { r: 0, c: 2 } }];
    ws['!rows'] = [{}, { hidden: true }];
    ws['!cols'] = [{}, {}, {}, { hidden: true }];
    const wb = X.utils.book_new();
    X.utils.book_append_sheet(wb, ws, '自评表');
    X.utils.book_append_sheet(wb, X.utils.aoa_to_sheet([['隐藏的表']]), '隐藏');
    wb.Workbook = { Sheets: [{ Hidden: 0 }, { Hidden: 1 }] };
    return X.write(wb, { type: 'buffer', bookType: type, cellStyles: true }) as Buffer;
  }

  // SheetJS writes hidden rows into .xlsx only (into .xls hidden columns alone), so the .xls case
  // keeps its helper row; LibreOffice's .xls fixture above is the real one.
  it.each([['xlsx', 'xlsx'], ['biff8', 'xls']] as const)('%s: merged ranges as spans, hidden rows, columns and sheets left out, cells as displayed', (type, format) => {
    const bytes = workbook(type);
    expect(sniff(bytes)).toBe(format);
    const doc = extractSpreadsheet(bytes, format);
    expect(doc.rows.map((r) => [r.page, r.line, r.cells])).toEqual([
      [1, 1, ['项目名称', '测试项目']],
      ...(format === 'xls' ? [[1, 2, ['辅助行', '不打印', '']]] : []),
      [1, 3, ['金额', '1,454,200.00', '']],
      [1, 4, ['合计', '1,454,200.00', '#REF!']],
    ]);
    expect(doc.rows[0]!.spans!.map((s) => [s.col, s.cols, s.rows])).toEqual([[0, 1, 1], [1, 2, 1]]);
    expect(doc.rows.every((r) => r.positions === 'exact' && r.table === 0)).toBe(true);
  });

  it('a damaged .xls fails in one line, without SheetJS printing to the console', () => {
    // Damage 558 of a seeded series of random byte changes to LibreOffice's .xls (the series the
    // Word 97 test uses): unmuted, SheetJS prints a line about the bad record before it gives up.
    const bytes = seededDamage(fixture('003_e7112b8e4e2d84a4.xls'), 558);
    const printed: unknown[] = [];
    const { error, log, warn } = console;
    console.error = console.log = console.warn = (...args: unknown[]) => { printed.push(args); };
    try {
      expect(() => extractSpreadsheet(bytes, 'xls')).toThrow(/^not a readable Excel 97 \(\.xls\) workbook: /);
    } finally {
      Object.assign(console, { error, log, warn });
    }
    expect(printed).toEqual([]);
  });

  it('refuses a file that only looks like a workbook, in one line', async () => {
    const broken = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.from('xl/workbook.xml'), Buffer.alloc(64)]);
    await expect(extract(broken, 'x.xlsx', FORM_SENSE)).rejects.toThrow(/^not a readable Excel \(\.xlsx\) workbook: /);
  });
});

describe('web pages', () => {
  it('places rowspan and colspan exactly, reads entities and <br>, skips script, style and hidden text', () => {
    const page = `<html><head><meta charset="utf-8"><title>t</title><script>document.write('x')</script></head><body>
      <p>附件1</p><h1>项目支出绩效自评表</h1><div style="display:none">统计</div>
      <table><tr><td rowspan="2">项目资金<br>（万元）</td><td colspan="2">年初预算数</td></tr>
      <tr><td>1&#44;000</td><td><p>a&nbsp;b</p><p>&#x4e2d;</p></td></tr></table><p>第二段</p></body></html>`;
    const doc = extractHtml(Buffer.from(page));
    expect(doc.rows.map((r) => r.cells)).toEqual([['附件1'], ['项目支出绩效自评表'], ['项目资金 （万元）', '年初预算数'], ['', '1,000', 'a b 中'], ['第二段']]);
    expect(doc.rows[2]!.spans!.map((s) => [s.col, s.cols, s.rows, s.continued])).toEqual([[0, 1, 2, false], [1, 2, 1, false]]);
    expect(doc.rows[3]!.spans!.map((s) => [s.col, s.continued])).toEqual([[0, true], [1, false], [2, false]]);
  });

  it('reads the charset a GBK page declares by http-equiv, and leaves navigation scripts and hidden text out', () => {
    const doc = extractHtml(fixture('003_e7112b8e4e2d84a4.article.gbk.html'));
    expect(doc.encoding).toBe('gb18030');
    expect(doc.rows.some((r) => r.cells.includes('深圳市规划和自然资源局'))).toBe(true);
    expect(doc.rows.flatMap((r) => r.cells).join('')).not.toMatch(/隐藏的统计代码|site = /);
  });
});

describe('web archives (MHTML: Word\'s "single file web page", often named .doc)', () => {
  it('reads the HTML part in its declared charset, says the name promised Word', async () => {
    const result = await processDocument(fixture('003_e7112b8e4e2d84a4.mht.doc'), 'form.doc');
    expect(sniff(fixture('003_e7112b8e4e2d84a4.mht.doc'))).toBe('mhtml');
    expect(result.evaluations.every((e) => e.flags.some((f) => f.code === 'format_mismatch' && f.message === 'the file is named .doc but holds html: read as html'))).toBe(true);
  });

  it('undoes base64 too, and refuses an archive without an HTML part in one line', async () => {
    const { mhtmlHtml } = await import('../src/extract/web/mhtml.js');
    const page = Buffer.from('<html><body><table><tr><td>项目名称</td><td>测试</td></tr></table></body></html>', 'utf8');
    const archive = (type: string, body: string) => Buffer.from(`MIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\tboundary="b1"\r\n\r\n--b1\r\n`
      + `Content-Type: ${type}\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}\r\n--b1--\r\n`, 'latin1');
    const read = mhtmlHtml(archive('text/html; charset="utf-8"', page.toString('base64').replace(/(.{76})/g, '$1\r\n')));
    expect([read.html.toString('utf8'), read.charset]).toEqual([page.toString('utf8'), 'utf-8']);
    const none = await processDocument(archive('image/png', 'iVBORw0KGgo='), 'x.mht');
    expect(none.document.error).toBe('not a readable web archive (MHTML): it holds no HTML part');
  });
});

describe('Word documents', () => {
  it('gives gridSpan and vMerge as spans, and the paragraphs around the tables as lines', async () => {
    const { extractDocx } = await import('../src/extract/office/docx.js');
    const doc = extractDocx(fixture('003_e7112b8e4e2d84a4.docx'));
    expect(doc.rows[0]).toMatchObject({ cells: ['项目支出绩效自评表'], positions: 'inferred' });
    const funding = doc.rows.find((r) => r.cells[0]?.startsWith('项目资金'))!;
    expect(funding.spans!.slice(0, 2).map((s) => [s.col, s.cols, s.rows])).toEqual([[0, 1, 5], [1, 2, 1]]); // 项目资金 over five rows, the blank label cell over two columns
    const next = doc.rows[doc.rows.indexOf(funding) + 1]!;
    expect(next.spans![0]).toMatchObject({ col: 0, continued: true });
  });

  it('Word 97: cells and rows by their marks and paragraph properties, columns from the row boundaries, vertical merges as spans', async () => {
    const { extractDoc } = await import('../src/extract/office/doc.js');
    const doc = extractDoc(fixture('region-sichuan.doc'));
    expect(doc.rows.slice(0, 3).map((r) => [r.cells, r.positions])).toEqual([
      [['报表编号：510000_0013zp'], 'inferred'], [['部门预算项目支出绩效自评表'], 'inferred'], [['（2023年度）'], 'inferred'],
    ]);
    const name = doc.rows[3]!;
    expect(name.cells).toEqual(['项目名称', '51092324T000010263357-2023年全县安可替代补助资金项目']);
    expect(name.spans!.map((s) => [s.col, s.cols])).toEqual([[0, 1], [1, 11]]);
    const funding = doc.rows.find((r) => r.cells[0]?.startsWith('项目资金'))!;
    expect(funding.cells[0]).toBe('项目资金 （万元）'); // two paragraphs of one cell
    expect(funding.spans![0]).toMatchObject({ col: 0, rows: 6, continued: false });
    const total = doc.rows[doc.rows.indexOf(funding) + 1]!;
    expect(total.cells).toEqual(['', '总额', '300.00', '280.00', '266.00', '95.00%', '10', '9.5', '']);
    expect(total.spans!.map((s) => [s.col, s.cols, s.continued])).toEqual([
      [0, 1, true], [1, 3, false], [4, 1, false], [5, 1, false], [6, 1, false], [7, 1, false], [8, 1, false], [9, 1, false], [10, 2, false],
    ]);
    expect(doc.rows.at(-1)).toMatchObject({ cells: ['项目负责人：张三 财务负责人：李四'], positions: 'inferred' });
  });

  it('damaged anywhere, a Word 97 file fails in one line or reads: never an internal error', async () => {
    const { DocumentError } = await import('../src/extract/errors.js');
    const original = fixture('region-sichuan.doc');
    // Damage 114 of these: a stream the compound-file reader returns as a plain array.
    for (let k = 0; k < 300; k++) {
      const bytes = seededDamage(original, k);
      try {
        await extract(bytes, 'x.doc', FORM_SENSE);
      } catch (error) {
        expect(error, `damage ${k}: ${(error as Error).message}`).toBeInstanceOf(DocumentError);
      }
    }
  }, 60_000);

  /** The fixture with one 16-bit field of its FIB (at `at` in the WordDocument stream) set to `value`. */
  function patchedFib(at: number, value: (old: number) => number): Buffer {
    const bytes = Buffer.from(fixture('region-sichuan.doc'));
    // The WordDocument stream starts on a 512-byte sector with its magic 0xA5EC.
    let start = 512;
    while (bytes.readUInt16LE(start) !== 0xa5ec) start += 512;
    bytes.writeUInt16LE(value(bytes.readUInt16LE(start + at)), start + at);
    return bytes;
  }

  it.each([
    ['a Word 6/95 file', () => patchedFib(2, () => 0x65), 'unsupported file type: a Word 6/95 document (version 101), which zipin does not read'],
    ['a password-protected one', () => patchedFib(0x0a, (f) => f | 0x0100), 'encrypted Word document (password-protected): cannot read it'],
    ['a truncated one', () => fixture('region-sichuan.doc').subarray(0, 9000), /^not a readable Office 97 file: /],
  ])('refuses %s in one line', async (_, bytes, error) => {
    const result = await processDocument(bytes(), 'form.doc');
    expect(result.document.status).toBe('failed');
    expect(result.document.error).toMatch(error instanceof RegExp ? error : new RegExp(`^${error.replace(/[()/.]/g, '\\$&')}$`));
  });
});

describe('ZIP archives (make-archives.py)', () => {
  it('reads every member as a document of its own, one archive inside opened too, GBK names decoded', async () => {
    const { processFile } = await import('../src/pipeline/process.js');
    const results = await processFile(fixture('forms.zip'), 'forms.zip');
    expect(results.map((r) => [r.document.source, r.document.format, r.document.status, r.evaluations.length])).toEqual([
      ['forms.zip!/自评表/003.xlsx', 'xlsx', 'ok', 8],
      ['forms.zip!/003.docx', 'docx', 'ok', 8],
      ['forms.zip!/nested.zip!/正文/003.html', 'html', 'ok', 8],
      ['forms.zip!/说明.txt', 'text', 'no_blocks', 0],
    ]);
    expect(new Set(results.map((r) => r.document.sha256)).size).toBe(4); // each member keyed by its own bytes
  });

  it('refuses a bomb by its ratio before inflating it, and a broken archive in one line', async () => {
    const { processFile } = await import('../src/pipeline/process.js');
    const [bomb] = await processFile(fixture('bomb.zip'), 'bomb.zip');
    expect(bomb!.document).toMatchObject({ status: 'failed', error: 'archive member zeros.txt compresses 1029:1 (limit 1000:1): a bomb?' });
    const [cut] = await processFile(fixture('forms.zip').subarray(0, 5000), 'cut.zip');
    expect(cut!.document).toMatchObject({ status: 'failed', error: 'not a valid ZIP archive (no central directory: truncated?)' });
  });

  it('bounds members and bytes, and never inflates a member past its declared size', async () => {
    const { readZip } = await import('../src/extract/archive/zip.js');
    const zip = fixture('forms.zip');
    expect(() => readZip(zip, { maxMembers: 2, maxTotalBytes: 1e9, maxMemberBytes: 1e9, maxRatio: 1000 })).toThrow('archive too large: 4 members (limit 2)');
    expect(() => readZip(zip, { maxMembers: 10, maxTotalBytes: 1000, maxMemberBytes: 1e9, maxRatio: 1000 })).toThrow(/^archive too large: over 1000 bytes inflated$/);
    const lying = Buffer.from(zip);
    // Declare the first member a byte smaller than it is, in the central directory: inflating stops there.
    const cd = lying.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    lying.writeUInt32LE(lying.readUInt32LE(cd + 24) - 1, cd + 24);
    expect(() => readZip(lying)[0]!.read()).toThrow(/does not inflate to its declared/);
  });
});

describe('files are read by what they are, not by their names', () => {
  it.each([
    ['003_e7112b8e4e2d84a4.xlsx', 'forms.txt', 'xlsx'],
    ['003_e7112b8e4e2d84a4.xls', 'forms.xlsx', 'xls'],
    ['003_e7112b8e4e2d84a4.calc.pdf', 'forms.xls', 'pdf'],
    ['003_e7112b8e4e2d84a4.article.gbk.html', 'page.txt', 'html'],
    ['003_e7112b8e4e2d84a4.doc', 'form.docx', 'doc'],
  ])('%s named %s is read as %s', async (name, as, format) => {
    const result = await processDocument(fixture(name), as);
    expect(result.document).toMatchObject({ status: 'ok', format });
    expect(result.evaluations).toHaveLength(8);
    // Said as an info flag on each evaluation, not a failure; confidence is what the form gives.
    expect(result.evaluations.every((e) => e.flags.some((f) => f.code === 'format_mismatch' && f.severity === 'info'
      && f.message === `the file is named ${as.slice(as.lastIndexOf('.'))} but holds ${format}: read as ${format}`))).toBe(true);
    expect(result.evaluations.map((e) => e.confidence)).toEqual(Array.from({ length: 8 }, () => 'high'));
  });

  it('names an Office 97 file it does not read by its streams', async () => {
    const file = X.CFB.utils.cfb_new();
    X.CFB.utils.cfb_add(file, '/PowerPoint Document', Buffer.alloc(600));
    const ppt = X.CFB.write(file, { type: 'buffer' }) as Buffer;
    expect((await processDocument(ppt, 'a.doc')).document.error)
      .toBe('unsupported file type: an Office 97 file that is neither a workbook nor a Word document (its streams: PowerPoint Document)');
  });
});
