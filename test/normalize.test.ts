import { describe, expect, it } from 'vitest';
import { parseIndicatorValue } from '../src/normalize/indicator-value.js';
import { parseMoneyCell, parseNumberCell } from '../src/normalize/numbers.js';
import { parseRate } from '../src/normalize/rate.js';
import { processDocument } from '../src/pipeline/process.js';
import { DOCS, indicatorAt, evaluationsOf } from './helpers.js';

describe('money', () => {
  it.each([
    ['300000.00', '元', 300000],
    ['417,935.14', '元', 417935.14],
    ['120,791.59', '万元', 1207915900],
    ['596.74万', '元', 5967400],
    ['1.1', '万元', 11000],
    ['0.07', '万元', 700],
    ['117.78万元', '元', 1177800],
    ['1454200元', '元', 1454200],
  ] as const)('%s (form unit %s) → %d 元', (text, unit, yuan) => {
    expect(parseMoneyCell(text, unit)).toEqual({ ok: true, value: yuan });
  });

  it('scales exactly (no float noise)', () => {
    // 0.1 × 3 in floating point is 0.30000000000000004; 万元 scaling must not do that.
    expect(parseMoneyCell('299958.39', '元')).toEqual({ ok: true, value: 299958.39 });
    expect(parseMoneyCell('29.995839', '万元')).toEqual({ ok: true, value: 299958.39 });
  });

  it.each(['—', '/', '', '不适用', null])('placeholder %s → null', (text) => {
    expect(parseMoneyCell(text, '元')).toEqual({ ok: true, value: null });
  });

  it('reports what is not a number', () => {
    expect(parseNumberCell('#REF!')).toEqual({ ok: false, raw: '#REF!' });
  });
});

describe('execution rate', () => {
  const ctx = (executed: number | null, budget: number | null, percentHeader = false) => ({ executedYuan: executed, fullYearYuan: budget, percentHeader });
  it.each([
    ['99.99', ctx(3578251.66, 3578500), 0.9999],
    ['100.00', ctx(2940789.52, 2940900), 1],
    ['1.00', ctx(299958.4, 300000), 1],
    ['0.97', ctx(4071495.47, 4207066.71), 0.97],
    ['0.99', ctx(2057953.8, 2070000), 0.99],
    ['92.28', ctx(21154406.61, 22924400, true), 0.9228],
    ['97.80%', ctx(null, null), 0.978],
    ['1.00', ctx(0, 0), 1],
    ['0.00', ctx(0, 0), 0],
    ['98.30', ctx(null, null), 0.983],
  ])('%s → %d', (raw, c, rate) => {
    expect(parseRate(raw, c)).toEqual({ ok: true, value: rate });
  });
});

describe('indicator values', () => {
  const q = (text: string, money = false) => {
    const v = parseIndicatorValue(text, money);
    return v === null ? null : [v.op, v.value.toNumber(), v.unit];
  };
  it.each([
    ['≥30次', ['≥', 30, '次']],
    ['99%', ['=', 99, '%']],
    ['≤118万元', ['≤', 1180000, '元']],
    ['417,935.14元', ['=', 417935.14, '元']],
    ['≤2小时', ['≤', 2, '小时']],
    ['> 10次', ['>', 10, '次']],
    ['不少于400起', ['≥', 400, '起']],
    ['不大于1%', ['≤', 1, '%']],
    ['少于3次', ['<', 3, '次']],
    ['大于800个', ['>', 800, '个']],
    ['约1493个', ['≈', 1493, '个']],
    ['120个左右', ['≈', 120, '个']],
    ['6000余条', ['>', 6000, '条']],
    ['24小时内', ['≤', 24, '小时']],
    ['≥5万单', ['≥', 50000, '单']],
    ['≤100元/人/月', ['≤', 100, '元/人/月']],
    ['=100%', ['=', 100, '%']],
    ['1', ['=', 1, null]],
    ['≥3年', ['≥', 3, '年']],
  ] as const)('%s', (text, expected) => {
    expect(q(text)).toEqual(expected);
  });

  it('reads a bare 万 as 万元 only when the indicator is about money', () => {
    expect(q('596.74万', true)).toEqual(['=', 5967400, '元']);
    expect(q('40万', false)).toEqual(['=', 400000, null]);
  });

  it.each(['及时', '2021年12月前', '7×24小时', '2021年', '7月底', '本年度不超过603.8万元', '6台/3套', '100% (用户无', '≥50个秒批 /70个秒报'])(
    '%s is not quantitative', (text) => {
      expect(q(text)).toBeNull();
    },
  );

  it('reads 1 under a 100% target as 100% and flags it (002 line 661)', () => {
    const { evaluation, indicator } = indicatorAt(DOCS.juesuan, 661);
    expect([indicator.targetOp, indicator.targetValue, indicator.targetUnit]).toEqual(['=', 100, '%']);
    expect([indicator.actual, indicator.actualOp, indicator.actualValue, indicator.actualUnit]).toEqual(['1', '=', 100, '%']);
    expect(evaluation.flags.some((f) => f.code === 'fraction_as_percent' && f.indicatorSeq === indicator.seq)).toBe(true);
  });

  it('uses the cost context for 596.74万 (002 line 664)', () => {
    const { indicator } = indicatorAt(DOCS.juesuan, 664);
    expect([indicator.targetOp, indicator.actualOp, indicator.actualValue, indicator.actualUnit]).toEqual([null, '=', 5967400, '元']);
  });

  it('gives canonical level codes', () => {
    const codes = new Set(evaluationsOf(DOCS.juesuan).flatMap((e) => e.indicators.map((i) => `${i.level1Code}/${i.level2Code}`)));
    expect([...codes].sort()).toEqual([
      'effect/ecological', 'effect/economic', 'effect/social', 'effect/sustainability',
      'output/cost', 'output/quality', 'output/quantity', 'output/timeliness',
      'satisfaction/satisfaction',
    ]);
  });
});

describe('the money unit, tested by the form\'s own numbers', () => {
  /** A one-indicator form in the Shenzhen layout, its funding label, amounts and cost target given. */
  const form = (label: string, amount: string, executed: string, cost: string) => Buffer.from([
    '项目支出绩效自评表',
    `项目名称\t测试项目\t\t\t项目金额\t${amount}`,
    '主管部门\t某局\t\t\t实施单位\t某中心',
    `${label}\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分`,
    `\t年度资金总额\t${amount}\t${amount}\t${executed}\t10\t98.21%\t9.82`,
    '年度总体目标\t预期目标\t\t实际完成情况',
    '\t完成抽查\t\t已完成',
    '年度绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施',
    `\t产出指标\t成本指标\t项目成本控制\t${cost}\t${executed}\t90\t89\t`,
    '总分\t100\t98.82',
  ].join('\n'));
  const unitOf = async (...args: Parameters<typeof form>) => {
    const [e] = (await processDocument(form(...args), 'form.txt')).evaluations;
    return { e: e!, unit: e!.flags.filter((f) => f.code.startsWith('unit_')) };
  };

  it('a printed unit the numbers agree with is sure and says nothing', async () => {
    const { e, unit } = await unitOf('项目资金（万元）', '9.48', '9.31', '≤9.48万元');
    expect([e.moneyUnit, e.moneyUnitSource, e.moneyUnitConfidence, e.projectAmountYuan, e.confidence]).toEqual(['万元', 'side_label', 'high', 94800, 'high']);
    expect(unit).toEqual([]);
  });

  it('a printed unit the numbers contradict is an error with the evidence, amounts kept as printed', async () => {
    const { e, unit } = await unitOf('项目资金（元）', '9.48', '9.31', '≤9.48万元');
    expect([e.moneyUnit, e.moneyUnitConfidence, e.projectAmountYuan, e.confidence]).toEqual(['元', 'low', 9.48, 'low']);
    expect(unit).toEqual([expect.objectContaining({ code: 'unit_contradicted', severity: 'error' })]);
    expect(unit[0]!.message).toBe('money is printed in 元 (side label "项目资金（元）") but the form\'s own numbers say 万元: indicator "项目成本控制" 年度指标值 "≤9.48万元" is 项目金额 9.48 in 万元; 项目金额 9.48 would be 9.48 元, and no project\'s budget is a few 元; amounts stored in 元');
  });

  it('万元 printed over amounts no project has in 万元 is contradicted too', async () => {
    const { e, unit } = await unitOf('项目资金（万元）', '31254700.00', '30012000.00', '≤31254700元');
    expect(unit).toEqual([expect.objectContaining({ code: 'unit_contradicted', severity: 'error' })]);
    expect(unit[0]!.message).toContain('would be 3125.47 亿元');
    expect(e.moneyUnit).toBe('万元');
  });

  it('an unreadable unit label is found from the numbers, with a warning naming the label', async () => {
    const { e, unit } = await unitOf('资金情况完)', '9.48', '9.31', '≤9.48万元');
    expect([e.moneyUnit, e.moneyUnitSource, e.moneyUnitConfidence, e.projectAmountYuan]).toEqual(['万元', 'inferred', 'medium', 94800]);
    expect(unit).toEqual([expect.objectContaining({ code: 'unit_inferred', severity: 'warn' })]);
    expect(unit[0]!.message).toMatch(/^no money unit could be read from "资金情况完\)"; the form's own numbers say 万元: /);
  });

  it('no unit printed and 元 figures that say so: 元, inferred', async () => {
    const { e, unit } = await unitOf('项目资金', '94800', '93100', '≤94800元');
    expect([e.moneyUnit, e.moneyUnitSource, e.projectAmountYuan]).toEqual(['元', 'inferred', 94800]);
    expect(unit.map((f) => f.code)).toEqual(['unit_inferred']);
  });

  it('no unit printed and nothing to test one: 元 assumed, and said', async () => {
    const { e, unit } = await unitOf('项目资金', '1454200', '1454200', '≤18台');
    expect([e.moneyUnit, e.moneyUnitSource, e.moneyUnitConfidence, e.confidence]).toEqual(['元', 'default', 'low', 'medium']);
    expect(unit).toEqual([expect.objectContaining({ code: 'unit_assumed', severity: 'warn', message: 'the form prints no money unit: 元 assumed, and nothing on the form tests it' })]);
  });
});
