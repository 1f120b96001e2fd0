import { describe, expect, it } from 'vitest';
import { parseIndicatorValue } from '../src/normalize/indicator-value.js';
import { parseMoneyCell, parseNumberCell } from '../src/normalize/numbers.js';
import { parseRate } from '../src/normalize/rate.js';
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
