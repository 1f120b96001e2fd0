import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ValidatedEvaluation } from '../src/model/evaluation.js';
import { processDocument } from '../src/pipeline/process.js';
import { agreement, fields, FIXTURES } from './helpers.js';

/**
 * Other regions' forms in their own layouts (test/fixtures/src/regions.mjs: the unit in a side
 * label, a header cell or a 单位：万元 line, 分值 before 年度指标值, 2022-style level names, a form's
 * own level names, goals of several lines, a ★ indicator with 其中 rows, a form without a total),
 * as a CMS serves them — the form pasted from Word into an article, with the issuer, the date,
 * attachments, related articles and the site's footer after it — and scanned (150 dpi, turned,
 * speckled; make-region-scans.mjs). What each says was written here from the forms' sources.
 */

const regions = join(FIXTURES, 'regions');
const read = async (file: string) => processDocument(readFileSync(join(regions, file)), file);

interface Expected {
  name: string;
  unit: [string, string];
  /** 年度资金总额: 年初, 全年, 执行 (元), 分值, 执行率, 得分. */
  total: Array<number | null>;
  /** 一级 (as printed, without points), its points, 二级, 三级, 年度指标值, 分值, 得分. */
  indicators: Array<[string | null, number | null, string | null, string, string | null, number | null, number | null]>;
  totals: [number | null, number | null];
}

const EXPECTED: Record<string, Expected> = {
  'region-zhejiang': {
    name: '测绘成果质量监督抽查', unit: ['万元', 'side_label'], total: [94800, 94800, 93100, 10, 0.9821, 9.82], totals: [100, 98.82],
    indicators: [
      ['产出指标', 50, '数量指标', '抽查项目数', '≥20个', 15, 15], ['产出指标', 50, '质量指标', '抽查报告合格率', '100%', 15, 15],
      ['产出指标', 50, '时效指标', '抽查完成时间', '2022年11月底前', 10, 10], ['产出指标', 50, '成本指标', '项目成本控制', '≤9.48万元', 10, 10],
      ['效益指标', 30, '社会效益指标', '测绘成果质量水平', '稳步提升', 15, 14], ['效益指标', 30, '可持续影响指标', '质量监管长效机制', '长期有效', 15, 15],
      ['满意度指标', 10, '服务对象满意度指标', '被抽查单位满意度', '≥90%', 10, 10],
    ],
  },
  'region-guangdong': {
    name: '乡村道路养护补助', unit: ['万元', 'unit_line'], total: [2100000, 2026400, 1987300, 10, 0.9807, 9.81], totals: [100, 97.81],
    indicators: [
      ['产出指标', null, '数量指标', '日常养护里程', '≥320公里', 20, 20], ['产出指标', null, '质量指标', '优良中等路率', '≥85%', 15, 15],
      ['产出指标', null, '时效指标', '资金拨付及时率', '═100%', 10, 10], ['成本指标', null, '经济成本指标', '养护成本', '≤202.64万元', 10, 10],
      ['效益指标', null, '社会效益指标', '群众出行安全保障', '有效保障', 20, 20], ['效益指标', null, '可持续影响指标', '道路使用年限延长', '≥1年', 5, 5],
      ['满意度指标', null, '服务对象满意度指标等', '沿线群众满意度', '≥90%', 10, 8],
    ],
  },
  'region-hubei': {
    name: '基层公共法律服务体系建设', unit: ['万元', 'header_cell'], total: [1200000, 1265000, 1265000, 10, 1, 10], totals: [100, 98],
    indicators: [
      ['产出', 50, '数量', '公共法律服务工作室数', '=86个', 20, 20], ['产出', 50, '数量', '法治宣传活动场次', '≥50场次', 10, 10],
      ['产出', 50, '质量', '工作室规范化建设达标率', '≥95%', 10, 10], ['产出', 50, '时效', '项目完成时间', '2022年12月前', 10, 10],
      ['效益', 30, '社会效益', '群众法律服务获得感', '明显增强', 30, 28], ['满意度', 10, '服务对象满意度', '群众满意度', '≥90%', 10, 10],
    ],
  },
  'region-jiangsu': {
    name: '城乡居民医疗救助资金', unit: ['元', 'side_label'], total: [3860000, 3860000, 3812450.6, 10, 0.9877, 9.88], totals: [100, 98.88],
    indicators: [
      ['产出指标', 60, '数量指标', '★医疗救助人次', '≥5000人次', 30, 30], ['产出指标', 60, '数量指标', '其中：住院救助人次', '≥1500人次', null, null],
      ['产出指标', 60, '质量指标', '救助对象认定准确率', '100%', 20, 20], ['产出指标', 60, '时效指标', '救助资金发放及时率', '≥98%', 10, 9],
      ['效益指标', 20, '社会效益指标', '困难群众医疗负担', '有效减轻', 20, 20], ['满意度指标', 10, '服务对象满意度指标', '救助对象满意度', '≥95%', 10, 10],
    ],
  },
  'region-henan': {
    name: '高标准农田建设项目', unit: ['万元', 'side_label'], total: [null, 15600000, 14820000, 20, 0.95, 19], totals: [100, 95],
    indicators: [
      ['产出指标', null, '数量指标', '新建高标准农田面积', '≥1.2万亩', 25, 25], ['产出指标', null, '质量指标', '工程验收合格率', '100%', 15, 15],
      ['产出指标', null, '时效指标', '工程完工时间', '2022年10月底前', 10, 6], ['效益指标', null, '经济效益指标', '亩均粮食增产', '≥50公斤', 15, 15],
      ['满意度指标', null, '服务对象满意度指标', '项目区农户满意度', '≥90%', 15, 15],
    ],
  },
  'region-hunan': {
    name: '中小学校舍维修改造', unit: ['万元', 'side_label'], total: [5000000, 4862000, 4862000, 10, 1, 10], totals: [null, null],
    indicators: [
      ['产出指标', 60, '数量指标', '维修改造学校数', '=12所', 30, 30], ['产出指标', 60, '质量指标', '工程验收合格率', '100%', 30, 30],
      ['效益指标', 20, '社会效益指标', '校舍安全隐患消除率', '100%', 20, 20], ['满意度指标', 10, '服务对象满意度指标', '师生满意度', '≥90%', 10, 10],
    ],
  },
};

const pages = new Map<string, ValidatedEvaluation[]>();
beforeAll(async () => {
  for (const name of Object.keys(EXPECTED)) pages.set(name, (await read(`${name}.page.html`)).evaluations);
});

describe("other regions' forms as a CMS serves them", () => {
  it.each(Object.keys(EXPECTED))('%s reads as printed: the unit where it is printed, levels as the form names them', (name) => {
    const [e, ...rest] = pages.get(name)!;
    const want = EXPECTED[name]!;
    expect(rest).toEqual([]);
    expect([e!.projectName, e!.moneyUnit, e!.moneyUnitSource, e!.moneyUnitConfidence]).toEqual([want.name, ...want.unit, 'high']);
    const total = e!.funding.find((f) => f.line === 'total')!;
    expect([total.initialYuan, total.fullYearYuan, total.executedYuan, total.weight, total.rate, total.score]).toEqual(want.total);
    expect(e!.indicators.map((i) => [i.level1, i.level1Points, i.level2, i.name, i.target, i.weight, i.score])).toEqual(want.indicators);
    expect([e!.totalWeight, e!.totalScore]).toEqual(want.totals);
  });

  it('ends a form with its table: what the page prints after it (issuer, date, attachments, links, footer) is in no indicator', () => {
    for (const [name, [e]] of pages) {
      expect(e!.indicators.map((i) => i.name), name).toEqual(EXPECTED[name]!.indicators.map((i) => i[3]));
      expect(e!.flags.filter((f) => f.code === 'row_unplaced' || f.code === 'column_shift'), name).toEqual([]);
    }
    // A form that prints no total ends at its last indicator; the missing 总分 is said.
    const [hunan] = pages.get('region-hunan')!;
    expect(hunan!.flags.map((f) => f.code)).toEqual(['required_field_missing']);
    expect(hunan!.lineEnd).toBe(hunan!.indicators[hunan!.indicators.length - 1]!.line);
  });

  it.each(Object.keys(EXPECTED))('%s as a Word web archive named .doc reads as the page does', async (name) => {
    const result = await read(`${name}.mht.doc`);
    expect(result.document.format).toBe('html');
    expect(result.evaluations.map(fields)).toEqual(pages.get(name)!.map(fields));
  });

  it('classes levels by meaning beside the names the form prints, and reads ═ as =', () => {
    const [e] = pages.get('region-guangdong')!;
    expect(e!.indicators.map((i) => [i.level1Code, i.level2Code])).toEqual([
      ['output', 'quantity'], ['output', 'quality'], ['output', 'timeliness'], ['cost', 'cost'], ['effect', 'social'], ['effect', 'sustainability'],
      ['satisfaction', 'satisfaction'],
    ]);
    expect(e!.indicators[2]).toMatchObject({ target: '═100%', targetOp: '=', targetValue: 100, targetUnit: '%' });
  });
});

const SCANS: Array<[string, string, number]> = [
  // scan, the page it was printed from, the share of fields right at least (a little under this machine's readings)
  ['region-zhejiang.scan.pdf', 'region-zhejiang', 0.97],
  ['region-zhejiang-blotted.scan.pdf', 'region-zhejiang', 0.96],
  ['region-guangdong.scan.pdf', 'region-guangdong', 0.97],
  ['region-hubei.scan.pdf', 'region-hubei', 0.98],
  ['region-jiangsu.scan.jpg', 'region-jiangsu', 0.97],
  ['region-henan.scan.tif', 'region-henan', 0.95],
  ['region-hunan.scan.pdf', 'region-hunan', 0.98],
];

describe("other regions' forms scanned", () => {
  const scans = new Map<string, ValidatedEvaluation[]>();
  beforeAll(async () => {
    for (const [scan] of SCANS) scans.set(scan, (await read(scan)).evaluations);
  }, 240_000);

  it.each(SCANS)('%s reads as %s', (scan, page, least) => {
    const { right, total } = agreement(scans.get(scan)!, pages.get(page)!);
    expect(right / total).toBeGreaterThanOrEqual(least);
  });

  it('reads at least 95% of all their fields, and no amount is off by a power of ten without a unit flag saying why', () => {
    let right = 0;
    let total = 0;
    for (const [scan, page] of SCANS) {
      const got = scans.get(scan)!;
      const a = agreement(got, pages.get(page)!);
      right += a.right;
      total += a.total;
      const unitFlags = got.flatMap((e) => e.flags).filter((f) => f.code.startsWith('unit_') && f.severity !== 'info');
      if (a.tenfold.length > 0) expect(unitFlags, `${scan}: ${a.tenfold.join(', ')}`).not.toEqual([]);
    }
    expect(right / total).toBeGreaterThanOrEqual(0.95);
  });

  it('a unit nobody can read is found from the form\'s own numbers, and says so', () => {
    const [e] = scans.get('region-zhejiang-blotted.scan.pdf')!;
    expect([e!.moneyUnit, e!.moneyUnitSource, e!.moneyUnitConfidence, e!.confidence]).toEqual(['万元', 'inferred', 'medium', 'medium']);
    expect(e!.funding.find((f) => f.line === 'total')).toMatchObject({ initialYuan: 94800, fullYearYuan: 94800, executedYuan: 93100 });
    const unit = e!.flags.filter((f) => f.code.startsWith('unit_'));
    expect(unit).toHaveLength(1);
    expect(unit[0]).toMatchObject({ code: 'unit_inferred', severity: 'warn' });
    // The evidence: the cost target in 万元 is the budget, and 9.48 元 would be no project's budget.
    expect(unit[0]!.message).toContain('"≤9.48万元" is 项目金额 9.48 in 万元');
    expect(unit[0]!.message).toContain('no project\'s budget is a few 元');
  });

  it('corrects what it read to the form\'s labels and numbers, and says what it read', () => {
    const corrected = [...scans.values()].flat().flatMap((e) => e.flags).filter((f) => f.code === 'ocr_corrected');
    expect(corrected.length).toBeGreaterThan(0);
    for (const f of corrected) expect(f.message).toMatch(/^line \d+: OCR read ".+"( for .+)?, corrected to ".+"$/);
    expect(corrected.map((f) => f.message)).toContain('line 13: OCR read "-级指标", corrected to "一级指标"');
    expect(corrected.map((f) => f.message)).toContain('line 10: OCR read "0,00" for 其他资金 全年执行数, corrected to "0.00"');
  });
});
