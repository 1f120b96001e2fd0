import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processDocument } from '../src/pipeline/process.js';
import { FIXTURES } from './helpers.js';

/**
 * Another issuer's form as a text export prints it (values chosen for the test): title with
 * 附表2 and （2022年度）, 单位：万元 above the table, goals before funding, a single
 * 年度财政资金总额 line worth 20 points, 年度指标值 split into 指标性质 | 指标值 | 度量单位 on a second
 * header row, an extra 得分计算方法 column, 未完成原因, a level-1 label printed vertically, ★, a
 * filler row, a 其他需要说明事项 row and a grade beside 总分.
 */
const FORM = [
  '附表2',
  '财政项目支出绩效自评表（2022年度）',
  '单位：万元',
  '项目名称\t乡村道路养护\t主管部门\t某县交通运输局',
  '实施单位\t某县公路事务中心\t项目负责人\t张三',
  '年度总体目标\t预期目标\t实际完成情况',
  '\t完成养护120公里。\t完成养护118公里。',
  '项目资金（万元）\t\t全年预算数(A)\t全年执行数(B)\t分值\t执行率(B/A)\t得分(20分*执行率)',
  '\t年度财政资金总额\t596.74\t537.07\t20\t90.00%\t18',
  '一级指标\t二级指标\t三级指标\t年度指标值\t\t\t实际完成值\t分值\t得分\t得分计算方法\t未完成原因',
  '\t\t\t指标性质\t指标值\t度量单位',
  '产 出 指 标(60分)\t数量指标\t养护里程\t≧\t120\t公里\t118公里\t30\t28\t按比例扣分\t两段道路施工改线',
  '\t质量指标\t路面优良率\t≥\t85\t%\t88%\t30\t30\t\t',
  '★效益指标(40分)\t社会效益指标\t道路通行保障\t\t全年无断通\t\t全年无断通\t20\t20\t\t',
  '\t\t指标2:\t\t\t\t\t\t\t\t',
  '其他需要说明事项\t无',
  '总分\t\t\t\t\t\t\t100\t96\t优',
].join('\n');

describe("another issuer's variant of the form (text)", () => {
  it('is read by its header labels', async () => {
    const result = await processDocument(Buffer.from(FORM), 'variant.txt');
    expect(result.evaluations).toHaveLength(1);
    const [e] = result.evaluations;
    expect([e!.title, e!.year, e!.projectName, e!.supervisingDept, e!.implementingUnit, e!.moneyUnit]).toEqual(
      ['财政项目支出绩效自评表', 2022, '乡村道路养护', '某县交通运输局', '某县公路事务中心', '万元'],
    );
    expect([e!.goalExpected, e!.goalActual]).toEqual(['完成养护120公里。', '完成养护118公里。']);
    expect(e!.funding).toEqual([{
      line: 'total', initialYuan: null, fullYearYuan: 5967400, executedYuan: 5370700, weight: 20, rate: 0.9, rateRaw: '90.00%', score: 18,
    }]);
    expect(e!.indicators.map((i) => [i.level1, i.level1Points, i.level2, i.name, i.target, i.targetOp, i.targetValue, i.targetUnit,
      i.actual, i.weight, i.score, i.deviation])).toEqual([
      ['产出指标', 60, '数量指标', '养护里程', '≧120公里', '≥', 120, '公里', '118公里', 30, 28, '两段道路施工改线'],
      ['产出指标', 60, '质量指标', '路面优良率', '≥85%', '≥', 85, '%', '88%', 30, 30, null],
      ['效益指标', 40, '社会效益指标', '道路通行保障', '全年无断通', null, null, null, '全年无断通', 20, 20, null],
    ]);
    expect([e!.totalWeight, e!.totalScore, e!.confidence]).toEqual([100, 96, 'medium']);
    // 效益指标 (40分) prints more points than its one indicator carries: a real finding.
    expect(e!.flags.filter((f) => f.severity !== 'info').map((f) => f.code)).toEqual(['level_weight_mismatch']);
  });

  it('accepts a 总分 that leaves the funding points out', async () => {
    const result = await processDocument(Buffer.from(FORM.replace('★效益指标(40分)', '★效益指标(20分)').replace('总分\t\t\t\t\t\t\t100\t96', '总分\t\t\t\t\t\t\t80\t78')), 'v.txt');
    expect(result.evaluations[0]!.flags.filter((f) => f.severity !== 'info')).toEqual([]);
  });
});

/**
 * Two more issuers' forms (test/fixtures/district.txt, county.txt; values chosen for the test;
 * calc-variants.pdf prints them). The first: 公开14表 and (2022年度) on lines of their own
 * around the title, funding with 年初预算数(A) and no 全年预算数, the rate as a percent,
 * placeholders "-", 预期指标值(A) / 实际完成指标值(B), 2022-style short level names, and a ★ core
 * indicator with a 其中 sub-row that carries no points. The second: 附件:, a county title, no 分值
 * column at all, a level-1 cell left with only "(50分)", 年初目标值(A).
 */
const DISTRICT = readFileSync(join(FIXTURES, 'district.txt'));
const COUNTY = readFileSync(join(FIXTURES, 'county.txt'));

describe('more issuers (text)', () => {
  it('公开14表 / （2022年度） lines, 年初预算数(A) without 全年预算数, short level names, a ★ indicator with a 其中 sub-row', async () => {
    const [e] = (await processDocument(DISTRICT, 'district.txt')).evaluations;
    expect([e!.title, e!.year, e!.projectName, e!.supervisingDept, e!.implementingUnit, e!.moneyUnit, e!.totalWeight, e!.totalScore]).toEqual(
      ['区级部门预算项目支出绩效自评表', 2022, '社区养老服务补贴', '某区民政局', '某区养老服务中心', '万元', 100, 99.28],
    );
    expect(e!.funding.map((f) => [f.line, f.initialYuan, f.fullYearYuan, f.executedYuan, f.weight, f.rate, f.score])).toEqual([
      ['total', 3205000, null, 3134500, 10, 0.978, 9.78],
      ['appropriation', 3205000, null, 3134500, null, 0.978, null],
    ]);
    expect(e!.indicators.map((i) => [i.level1, i.level1Points, i.level2, i.name, i.target, i.actual, i.weight, i.score, i.deviation])).toEqual([
      ['产出', 50, '数量', '★补贴发放人数', '≥2000人', '1968人', 30, 29.5, '部分老人迁出本区'],
      ['产出', 50, '数量', '其中：高龄老人', '≥800人', '812人', null, null, null],
      ['产出', 50, '质量', '补贴发放准确率', '100%', '100%', 20, 20, null],
      ['效益', 30, '社会效益', '老人生活质量改善', '有所改善', '有所改善', 30, 30, null],
      ['满意度', 10, '服务对象满意度', '老人满意度', '≥90%', '95%', 10, 10, null],
    ]);
    expect([e!.flags.filter((f) => f.severity !== 'info'), e!.confidence]).toEqual([[], 'high']);
  });

  it('no 分值 column: 总分 carries the score alone, and no weight rule fires on weights nobody printed', async () => {
    const [e] = (await processDocument(COUNTY, 'county.txt')).evaluations;
    expect([e!.title, e!.year, e!.projectName, e!.moneyUnit, e!.totalWeight, e!.totalScore]).toEqual(['某县项目支出绩效自评表', 2021, '农村饮水安全巩固提升', '万元', null, 100]);
    expect(e!.funding.map((f) => [f.line, f.initialYuan, f.executedYuan, f.weight, f.rate, f.score])).toEqual([['total', 1500000, 1500000, null, 1, 10]]);
    expect(e!.indicators.map((i) => [i.level1, i.level1Points, i.level2, i.name, i.target, i.actual, i.weight, i.score])).toEqual([
      [null, 50, '数量指标', '新建管网长度', '≥20公里', '21公里', null, 50],
      ['效益指标', 30, '可持续影响指标', '工程使用年限', '≥15年', '≥15年', null, 30],
      ['满意度指标', 10, '满意度指标', '受益群众满意度', '≥90%', '92%', null, 10],
    ]);
    expect([e!.flags.filter((f) => f.severity !== 'info'), e!.confidence]).toEqual([[], 'high']);
  });
});
