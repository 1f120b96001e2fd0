import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extract } from '../src/extract/index.js';
import { FORM_SENSE } from '../src/form/sense.js';
import { findTables } from '../src/extract/pdf/lattice.js';
import { layoutPage } from '../src/extract/pdf/layout.js';
import { streamTables } from '../src/extract/pdf/stream.js';
import { normalizeCjk } from '../src/extract/pdf/text.js';
import { ExtractedDocumentSchema } from '../src/model/table.js';
import type { ValidatedEvaluation } from '../src/model/evaluation.js';
import { processDocument } from '../src/pipeline/process.js';
import { CORPUS, DOCS, evaluationsOf, fields, FIXTURES } from './helpers.js';

const fixture = (name: string) => join(FIXTURES, name);
const run = async (name: string) => processDocument(readFileSync(fixture(name)), name);

describe('the PDFs of corpus document 003 give the records of its text', () => {
  const text = evaluationsOf(DOCS.guihua);
  it.each(['003_e7112b8e4e2d84a4.calc.pdf', '003_e7112b8e4e2d84a4.chromium.pdf'])('%s', async (name) => {
    const result = await run(name);
    expect(result.document).toMatchObject({ status: 'ok', format: 'pdf', pages: name.includes('calc') ? 12 : 6 });
    expect(result.evaluations).toHaveLength(8);
    result.evaluations.forEach((e, b) => expect(fields(e), `block ${b}`).toEqual(fields(text[b]!)));
    // With true cells there is nothing to repair.
    expect(result.evaluations.flatMap((e) => e.flags).filter((f) => f.code === 'column_shift' || f.code === 'row_unplaced')).toEqual([]);
    expect(result.evaluations[0]!.pageStart).toBe(1);
  });

  it('records the pages a block spans (calc: block 0 runs from page 1 onto page 2)', async () => {
    const [first] = (await run('003_e7112b8e4e2d84a4.calc.pdf')).evaluations;
    expect([first!.pageStart, first!.pageEnd]).toEqual([1, 2]);
    expect(first!.indicators.find((i) => i.name === '造完成及时性')).toMatchObject({ level1: '产出指标', level2: '时效指标', page: 2 });
  });
});

describe('PDFs of corpus document 004, printed from its values by test/fixtures/src/corpus-pdfs.mjs, give the records of its text', () => {
  const text = evaluationsOf(DOCS.dapeng);
  it('LibreOffice Calc, 24 forms over 27 pages: merged labels printed again, cut by the page edge, or only on the next page', async () => {
    const result = await run('004_7f468a29561a31e4.calc.pdf');
    expect(result.evaluations).toHaveLength(24);
    result.evaluations.forEach((e, b) => expect(fields(e), `block ${b}`).toEqual(fields(text[b]!)));
  });

  it('LibreOffice Calc with narrower columns: a merged label printed again on the next page does not make room for the next cell\'s label', async () => {
    // Block 8's 产出指标 runs over pages 11–12 and is printed on both; 效益指标 starts atop page 13.
    const result = await run('004_7f468a29561a31e4.calc-narrow.pdf');
    expect(result.evaluations).toHaveLength(24);
    result.evaluations.forEach((e, b) => expect(fields(e), `block ${b}`).toEqual(fields(text[b]!)));
    expect(result.evaluations[8]!.indicators.filter((i) => i.level1 === '产出指标')).toHaveLength(18);
  });

  it('LibreOffice Calc\'s default page style (portrait, the sheet\'s name atop every page): running heads are no text of the forms, and a label wrapped in a narrow merged cell over a break is read once, its lines in order', async () => {
    const result = await run('004_7f468a29561a31e4.calc-default.pdf');
    expect(result.document.pages).toBe(29);
    expect(result.evaluations).toHaveLength(24);
    result.evaluations.forEach((e, b) => expect(fields(e), `block ${b}`).toEqual(fields(text[b]!)));
    // Block 10's 效益指标 (40分) is cut by the break between pages 16 and 17; its goals follow a page head.
    expect(result.evaluations[10]!.indicators.filter((i) => i.level1 === '效益指标').map((i) => i.level1Points)).toEqual([40, 40, 40, 40]);
    expect(result.evaluations[10]!.goalExpected).toMatch(/^1\.开展2021年大鹏新区政府在线网站日常运维工作/);
  });

  it('Chromium, block 8 alone: a tall goals row split over two pages is one row again', async () => {
    const [e] = (await run('004_7f468a29561a31e4.blocks-8-8.chromium.pdf')).evaluations;
    expect(e!.goalExpected).toMatch(/确保档案归档整理准确规范，提高档案管理制度健全性/);
    expect(fields(e!)).toEqual(fields(text[8]!));
  });
});

describe('LibreOffice Writer splits tall rows over page breaks and closes both parts with rules (corpus-pdfs.mjs, a few blocks each)', () => {
  // Writer/Web leaves the first page blank and the first heading with it: that title is not in the PDF.
  const printed = (e: ValidatedEvaluation, k: number, web: boolean) => fields(e).filter(([key]) => !(web && k === 0 && key === 'title'));
  it.each([
    ['004_7f468a29561a31e4.blocks-2-3.writer-web.pdf', 'an indicator row: its numbers on the first page, the rest of its texts on the next', DOCS.dapeng, 2],
    ['000_53bb5e2acbd336ec.blocks-4-5.writer.pdf', 'the indicator header row: 偏差原因分析及改进 | 措施', DOCS.shuju, 4],
    ['004_7f468a29561a31e4.blocks-16-17.writer.pdf', 'the goals row', DOCS.dapeng, 16],
    ['004_7f468a29561a31e4.blocks-18-19.writer-web.pdf', 'a merged 一级 label cut inside its brackets: 效益指标(40 | 分)', DOCS.dapeng, 18],
  ] as const)('%s — %s', async (name, _what, doc, from) => {
    const result = await run(name);
    const text = evaluationsOf(doc).slice(from, from + 2);
    expect(result.evaluations).toHaveLength(2);
    result.evaluations.forEach((e, k) => expect(printed(e, k, name.includes('web')), `block ${k}`).toEqual(printed(text[k]!, k, name.includes('web'))));
  });
});

describe('tables across pages, wrapped and merged cells (Chromium fixture)', () => {
  it('stitches a table that continues on the next page into one block', async () => {
    const result = await run('long-table.pdf');
    expect(result.document.pages).toBe(2);
    expect(result.evaluations).toHaveLength(1);
    const [e] = result.evaluations;
    expect([e!.pageStart, e!.pageEnd, e!.indicators.length, e!.totalWeight, e!.totalScore, e!.confidence]).toEqual([1, 2, 49, 100, 97.5, 'high']);
    // The header row Chromium repeats on page 2 is not an indicator; merged levels carry over the break.
    expect(e!.indicators.some((i) => i.name === '三级指标')).toBe(false);
    expect(e!.indicators.filter((i) => i.level1 === '产出指标' && i.level1Points === 50 && i.level2 === '数量指标')).toHaveLength(44);
    expect(new Set(e!.indicators.map((i) => i.page))).toEqual(new Set([1, 2]));
    expect(e!.flags.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('joins a wrapped cell into one string', async () => {
    const [e] = (await run('long-table.pdf')).evaluations;
    expect(e!.indicators[44]).toMatchObject({ level2: '质量指标', name: '信息系统运行维护服务完成情况综合评价合格率', target: '≥95%', weight: 14 });
    expect(e!.projectName).toBe('长表测试项目'); // ⻓ (a radical) read as 长
    expect(e!.supervisingDept).toBe('测试市数据管理局');
  });
});

describe('another region in its own layout and words (make-region-fixtures.mjs: Sichuan-style 部门预算项目支出绩效自评表)', () => {
  it.each([
    ['region-sichuan.chromium.pdf'], ['region-sichuan.writer.pdf'], ['region-sichuan.txt'], ['region-sichuan.doc'],
  ])('%s', async (name) => {
    const result = await run(name);
    expect(result.document.status).toBe('ok');
    expect(result.evaluations).toHaveLength(1);
    const e = result.evaluations[0]!;
    const squash = (v: string | null) => v?.replace(/\s+/g, '') ?? null;
    expect([e.title, squash(e.projectName), e.projectCode, e.supervisingDept, e.implementingUnit, e.year, e.moneyUnit, e.totalWeight, e.totalScore])
      .toEqual(['部门预算项目支出绩效自评表', '2023年全县安可替代补助资金项目', '51092324T000010263357', '某县财政局', '某县信息中心', 2023, '万元', 100, 97.5]);
    expect(squash(e.goalExpected)).toBe('完成全县32个乡镇1200台安可替代设备补助发放，提升基层办公信息化水平。');
    expect(squash(e.goalActual)).toBe('完成32个乡镇1180台设备补助发放，基层办公效率明显提升。');
    expect(e.funding.map((f) => [f.line, f.initialYuan, f.fullYearYuan, f.executedYuan, f.weight, f.rate, f.score])).toEqual([
      ['total', 3000000, 2800000, 2660000, 10, 0.95, 9.5],
      ['appropriation', 2500000, 2400000, 2300000, null, 0.9583, null],
      ['special', 0, 0, 0, null, null, null],
      ['unit', 500000, 400000, 360000, null, 0.9, null],
      ['other', 0, 0, 0, null, null, null],
    ]);
    expect(e.indicators.map((i) => [i.level1, i.level2, i.name, i.target, i.targetOp, i.targetValue, i.targetUnit, i.actual, i.actualValue, i.actualUnit, i.weight, i.score, i.deviation])).toEqual([
      ['产出指标', '数量指标', '补助设备台数', '≥1200台', '≥', 1200, '台', '1180', 1180, '台', 20, 18, '部分乡镇到货延迟'],
      ['产出指标', '数量指标', '覆盖乡镇数', '=32个', '=', 32, '个', '32', 32, '个', 15, 15, null],
      ['产出指标', '质量指标', '设备验收合格率', '≥98%', '≥', 98, '%', '99.2', 99.2, '%', 15, 15, null],
      ['产出指标', '时效指标', '资金拨付及时率', '=100%', '=', 100, '%', '100', 100, '%', 10, 10, null],
      ['效益指标', '社会效益指标', '基层办公效率提升', '明显提升', null, null, null, '明显提升', null, null, 20, 20, null],
      ['满意度指标', '服务对象满意度指标', '使用单位满意度', '≥90%', '≥', 90, '%', '95', 95, '%', 10, 10, null],
    ]);
    // 合计 closed the indicators; the trailer rows and signatures are no indicators. The code in the
    // name and the unknown 备注 column are said, and nothing else needed repairing.
    expect(e.flags.map((f) => f.code).sort()).toEqual(['code_in_name', 'unknown_column']);
    expect(e.flags.find((f) => f.code === 'unknown_column')!.message).toContain('"备注"');
    expect(e.confidence).toBe('high');
  });
});

describe("another issuer's layout (万元, no 年初预算数, 分值 before 年度指标值, 未完成原因)", () => {
  const expected = async (name: string) => {
    const result = await run(name);
    expect(result.document.status).toBe('ok');
    const [e] = result.evaluations;
    expect([e!.title, e!.projectName, e!.supervisingDept, e!.implementingUnit, e!.moneyUnit, e!.totalWeight, e!.totalScore]).toEqual(
      ['财政项目支出绩效自评表', '乡村道路养护', '某县交通运输局', '某县公路事务中心', '万元', 100, 97],
    );
    expect(e!.funding.map((f) => [f.line, f.initialYuan, f.fullYearYuan, f.executedYuan, f.weight, f.rate, f.score])).toEqual([
      ['total', null, 5967400, 5370700, 10, 0.9, 9],
      ['appropriation', null, 5967400, 5370700, null, 0.9, null],
    ]);
    expect(e!.indicators.map((i) => [i.level1, i.level1Points, i.level2, i.name, i.weight, i.target, i.actual, i.score, i.deviation])).toEqual([
      ['产出指标', 60, '数量指标', '养护里程', 30, '≥120公里', '118公里', 28, '两段道路施工改线'],
      ['产出指标', 60, '质量指标', '路面优良率', 20, '≥85%', '88%', 20, null],
      ['产出指标', 60, '成本指标', '每公里养护成本', 10, '≤5万元', '4.55万元', 10, null],
      ['效益指标', 20, '社会效益指标', '道路通行保障', 20, '全年无断通', '全年无断通', 20, null],
      ['满意度指标', 10, '服务对象满意度指标', '群众满意度', 10, '≥90%', '93%', 10, null],
    ]);
    expect(e!.indicators[2]).toMatchObject({ targetOp: '≤', targetValue: 50000, targetUnit: '元', actualValue: 45500, actualUnit: '元' });
    expect(e!.confidence).toBe('high');
  };
  it('reads the ruled form by its header labels', () => expected('other-issuer.pdf'));
  it('reads a landscape page stored turned, with /Rotate 90', () => expected('rotated.pdf'));
  it('reads the form redrawn by cairo (text matrices mirrored, then mirrored back by the fonts)', () => expected('other-issuer.cairo.pdf'));
  it('opens a PDF encrypted with owner restrictions only', () => expected('restricted.pdf'));

  it('reads the same form without any ruling lines (stream fallback): a label cut by pdf.js, 一级 labels centred on their rows', () => expected('unruled.pdf'));
});

describe('a spreadsheet form printed by LibreOffice Calc (merged cells across a page break, repeated header row, page footer)', () => {
  it('gives every field of the form', async () => {
    const result = await run('calc-form.pdf');
    expect(result.document).toMatchObject({ status: 'ok', pages: 2 });
    expect(result.evaluations).toHaveLength(1);
    const [e] = result.evaluations;
    expect([e!.title, e!.projectName, e!.supervisingDept, e!.implementingUnit, e!.year, e!.moneyUnit, e!.totalWeight, e!.totalScore, e!.pageStart, e!.pageEnd]).toEqual(
      ['2023年度项目支出绩效自评表', '智慧水务平台运维', '某市水务局', '某市水务信息中心', 2023, '元', 100, 98, 1, 2],
    );
    // Calc's own number formats: thousands separators, percentages.
    expect(e!.funding.map((f) => [f.line, f.initialYuan, f.fullYearYuan, f.executedYuan, f.weight, f.rate, f.score])).toEqual([
      ['total', 1200000, 1150000, 1092500, 10, 0.95, 9.5],
      ['appropriation', 1200000, 1150000, 1092500, null, 0.95, null],
      ['carryover', 0, 0, 0, null, null, null],
      ['other', 0, 0, 0, null, null, null],
    ]);
    expect([e!.goalExpected, e!.goalActual]).toEqual(['保障全市42座泵站和智慧水务平台全年稳定运行，按月完成巡检。', '平台全年稳定运行，42座泵站中41座按月完成巡检。']);
    const row = (i: ValidatedEvaluation['indicators'][number]) => [i.level1, i.level1Points, i.level2, i.name, i.target, i.actual, i.weight, i.score, i.deviation];
    const pumps = Array.from({ length: 40 }, (_, k) => k === 6
      ? ['产出指标', 50, '数量指标', '第7号泵站巡检次数', '≥12次', '10次', 1, 0.5, '汛期道路中断，2次巡检顺延至次年一季度完成，已调整巡检计划并增加备用路线。']
      : ['产出指标', 50, '数量指标', `第${k + 1}号泵站巡检次数`, '≥12次', '12次', 1, 1, '无']);
    expect(e!.indicators.map(row)).toEqual([
      ...pumps, // 21 on page 1, 19 on page 2 under the repeated header, one merged 一级 and 二级 cell over both
      ['产出指标', 50, '质量指标', '平台可用率', '≥99.5%', '99.8%', 3, 3, '无'],
      ['产出指标', 50, '质量指标', '数据采集完整率', '≥98%', '98.6%', 3, 3, '无'],
      ['产出指标', 50, '时效指标', '故障修复时间', '≤4小时', '2.5小时', 4, 4, '无'],
      ['效益指标', 30, '社会效益指标', '供水管网漏损率', '≤9%', '8.7%', 15, 15, '无'],
      ['效益指标', 30, '社会效益指标', '停水事件平均通知提前时间', '≥24小时', '30小时', 15, 15, '无'],
      ['满意度指标', 10, '服务对象满意度指标', '用水户满意度', '≥90%', '88%', 10, 9, '满意度略低于目标，将缩短报修响应时间。'],
    ]);
    expect(e!.indicators.map((i) => i.page)).toEqual([...Array(21).fill(1), ...Array(25).fill(2)]);
    expect([e!.flags, e!.confidence]).toEqual([[], 'high']);
  });

  it('gives the same records redrawn by cairo, which clips each piece of text to its ink', async () => {
    // The merged label 产出指标(50分) at the foot of page 1 has its second line cut by the page
    // break: "(", "50", "分", ")" each under a clip of its own, 2 pt of their tops showing.
    const [cairo] = (await run('calc-form.cairo.pdf')).evaluations;
    const [calc] = (await run('calc-form.pdf')).evaluations;
    expect(fields(cairo!)).toEqual(fields(calc!));
    expect(cairo!.confidence).toBe('high');
  });

  it('gives the same records printed by Gnumeric: amounts wider than their cells, labels printed unclipped over the break', async () => {
    // "1,150,000.00" overhangs its cell's rule, clipped at the cell; 产出指标(50分) is printed again
    // above page 2's table, cut by its top edge; no rule closes the merged columns at the break.
    const [gnumeric] = (await run('calc-form.gnumeric.pdf')).evaluations;
    const [calc] = (await run('calc-form.pdf')).evaluations;
    expect(fields(gnumeric!)).toEqual(fields(calc!));
    expect(gnumeric!.confidence).toBe('high');
  });
});

describe("other issuers' layouts printed by LibreOffice Calc give the records of their text", () => {
  it.each([[0, 'district.txt'], [1, 'county.txt']] as const)('calc-variants.pdf block %i = %s', async (block, text) => {
    const pdf = (await run('calc-variants.pdf')).evaluations[block]!;
    const [expected] = (await run(text)).evaluations;
    expect(fields(pdf)).toEqual(fields(expected!));
    expect([pdf.flags.filter((f) => f.severity !== 'info'), pdf.confidence]).toEqual([[], 'high']);
  });
});

describe('年度指标值 printed as 指标性质 | 指标值 | 度量单位 under one merged header cell', () => {
  it('reads the three columns back into one target, and 得分计算方法 is not in the way', async () => {
    const [e] = (await run('split-target.pdf')).evaluations;
    expect(e!.indicators.map((i) => [i.level1, i.level1Points, i.level2, i.name, i.target, i.targetOp, i.targetValue, i.targetUnit, i.actual, i.weight, i.score, i.deviation])).toEqual([
      ['产出指标', 60, '数量指标', '养护里程', '≧120公里', '≥', 120, '公里', '118公里', 30, 28, '两段道路施工改线'],
      ['产出指标', 60, '质量指标', '路面优良率', '≥85%', '≥', 85, '%', '88%', 30, 30, null],
      ['效益指标', 20, '社会效益指标', '道路通行保障', '全年无断通', null, null, null, '全年无断通', 20, 20, null],
    ]);
    expect([e!.totalWeight, e!.totalScore, e!.funding[0]!.fullYearYuan, e!.confidence]).toEqual([100, 96, 5967400, 'high']);
  });
});

describe('a text layer that maps glyphs to wrong characters (re-distilled by Ghostscript)', () => {
  it('is flagged, and what it garbles is not taken for a label', async () => {
    const [e] = (await run('other-issuer.gs.pdf')).evaluations;
    // Printed 项目资金（万元） and 其中:财政拨款; the text says 项目资金ÿ万元Ā and 其中:¯政拨款.
    expect(e!.flags.filter((f) => f.severity !== 'info').map((f) => f.code)).toEqual(['text_garbled']);
    expect(e!.flags.find((f) => f.code === 'text_garbled')!.message).toContain('text looks garbled ("目资金ÿ万元")');
    expect(e!.confidence).toBe('medium');
    expect(e!.funding.map((f) => f.line)).toEqual(['total']);
    expect([e!.projectName, e!.totalScore, e!.indicators.length]).toEqual(['乡村道路养护', 97, 5]);
  });

  it('leaving no form readable, the document says why', async () => {
    const garbled = readFileSync(join(CORPUS, DOCS.guihua), 'utf8').replace(/项目名称/g, 'ù目]称').replace(/项目编码/g, 'ù目编码');
    const result = await processDocument(Buffer.from(garbled), 'garbled.txt');
    expect(result.document).toMatchObject({ status: 'no_blocks', error: expect.stringContaining('the text looks garbled ("ù目]称")') });
  });
});

describe('bad and unusual PDFs fail with one clear line', () => {
  it.each([
    ['small-image.pdf', 'no text layer, and no page-sized scan to read'],
    ['encrypted.pdf', 'encrypted PDF: a password is required to open it'],
  ])('%s', async (name, error) => {
    expect((await run(name)).document).toMatchObject({ status: 'failed', error });
  });

  it.each([
    ['a truncated PDF', () => readFileSync(fixture('other-issuer.pdf')).subarray(0, 4000), 'not a valid PDF (corrupt or truncated)'],
    ['an HTML error page saved as .pdf', () => Buffer.from('<!DOCTYPE html><html><body>502 Bad Gateway</body></html>'), 'not a PDF: the file is an HTML page (an error page saved as .pdf?)'],
    ['a zero-byte .pdf', () => Buffer.alloc(0), 'empty file (0 bytes)'],
    ['random bytes after a PDF header', () => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 37) % 256))]), 'not a valid PDF (corrupt or truncated)'],
  ])('%s', async (_what, bytes, error) => {
    expect((await processDocument(bytes(), 'x.pdf')).document).toMatchObject({ status: 'failed', error });
  });
});

describe('pieces', () => {
  it('maps Kangxi radicals, compatibility ideographs and simplified radicals to ordinary characters', () => {
    expect(normalizeCjk('⼀⼈⻓⻔⻚（元）')).toBe('一人长门页（元）');
  });

  it("puts back the built-ins pdf.js's legacy build replaces with slower polyfills", async () => {
    const native = (f: unknown) => String(f).includes('[native code]');
    await run('long-table.pdf');
    // Checked through Function.prototype.toString of a fresh realm: the polyfill of toString itself hides polyfills.
    const { runInNewContext } = await import('node:vm');
    const toString = runInNewContext('Function.prototype.toString') as (this: unknown) => string;
    expect([Array.prototype.push, JSON.parse, JSON.stringify, Function.prototype.toString].map((f) => native(toString.call(f)))).toEqual([true, true, true, true]);
  });

  it('moves centred 一级 labels of an unruled table up to their first row, and leaves top-aligned ones', () => {
    const run = (text: string, x: number, y: number) => ({ text, x0: x, x1: x + text.length * 10, y0: y, y1: y + 10, size: 10 });
    const table = (level1: string[]) => streamTables([
      ...['一级指标', '二级指标', '三级指标', '分值', '得分'].map((t, i) => run(t, i * 100, 0)),
      ...level1.flatMap((label, r) => [
        ...(label ? [run(label, 0, 20 + r * 20)] : []), run(`二级${r}`, 100, 20 + r * 20), run(`指标${r}`, 200, 20 + r * 20), run('10', 300, 20 + r * 20), run('9', 400, 20 + r * 20),
      ]),
    ], FORM_SENSE).rows.slice(1).map((row) => row.cells[0]);
    expect(table(['', '产出指标', '', '效益指标', ''])).toEqual(['产出指标', '', '', '效益指标', '']);
    expect(table(['产出指标', '', '', '效益指标', ''])).toEqual(['产出指标', '', '', '效益指标', '']);
  });

  it('builds a grid with merged cells from ruling lines', () => {
    const h = (y: number, x0: number, x1: number) => ({ x0, x1, y0: y, y1: y, horizontal: true });
    const v = (x: number, y0: number, y1: number) => ({ x0: x, x1: x, y0, y1, horizontal: false });
    // 3 × 3 grid; the left column's two lower cells are merged (no rule between them).
    const [table] = findTables([h(0, 0, 90), h(10, 0, 90), h(20, 30, 90), h(30, 0, 90), v(0, 0, 30), v(30, 0, 30), v(60, 0, 30), v(90, 0, 30)]);
    expect(table!.xs).toEqual([0, 30, 60, 90]);
    expect(table!.ys).toEqual([0, 10, 20, 30]);
    expect(table!.regions.find((r) => r.c0 === 0 && r.r0 === 1)).toEqual({ r0: 1, c0: 0, r1: 2, c1: 0 });
    expect(table!.regions).toHaveLength(8);
  });

  it('drops a page number spelt in pieces inside a table whose side rules run down past it, beside a label on its line', () => {
    // A 2-column table from y 0 to 100 (Gnumeric: the merged columns' rules reach the footer line at y 90).
    const across = (y: number) => ({ x0: 0, x1: 200, y0: y, y1: y, horizontal: true });
    const down = (x: number) => ({ x0: x, x1: x, y0: 0, y1: 100, horizontal: false });
    const rules = [across(0), across(40), down(0), down(100), down(200)];
    const run = (text: string, x0: number, y0: number, width: number) => ({ text, x0, y0, x1: x0 + width, y1: y0 + 9, size: 9 });
    const footer = [run('第', 110, 86, 9), run('2', 119, 86, 5), run('页，共', 124, 86, 27), run('8', 151, 86, 5), run('页', 156, 86, 9)];
    const rows = layoutPage(rules, [run('名称', 10, 15, 18), run('年度绩效', 10, 88, 36), ...footer], [], 595, 842, FORM_SENSE);
    expect(rows.flatMap((r) => r.cells).join('|')).not.toMatch(/页/);
    expect(rows.flatMap((r) => r.cells)).toContain('年度绩效');
  });

  it('prints rebuilt tables in the corpus text format, which reads back to the same records', async () => {
    const doc = ExtractedDocumentSchema.parse(await extract(readFileSync(fixture('003_e7112b8e4e2d84a4.calc.pdf')), 'calc.pdf', FORM_SENSE));
    expect(doc).toMatchObject({ format: 'pdf', pages: 12, encoding: null });
    expect(doc.rows.every((r) => r.page !== null && r.page >= 1 && r.page <= 12)).toBe(true);
    const text = doc.rows.map((r) => r.cells.join('\t')).join('\n');
    const again = await processDocument(Buffer.from(text), 'calc.txt');
    const fromPdf = await run('003_e7112b8e4e2d84a4.calc.pdf');
    expect(again.evaluations.map(fields)).toEqual(fromPdf.evaluations.map(fields));
  });
});
