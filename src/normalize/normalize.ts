import type { Evaluation, Funding, Indicator } from '../model/evaluation.js';
import { flag, type Flag } from '../model/flag.js';
import type { ParsedBlock, ParsedIndicator } from '../model/parsed.js';
import { level1Code, level2Code } from '../form/levels.js';
import { BARE_NUMBER } from '../form/vocabulary.js';
import { parseIndicatorValue, type QuantitativeValue } from './indicator-value.js';
import { parseMoneyCell, parseNumberCell, type Parsed } from './numbers.js';
import { parseRate } from './rate.js';
import { moneyUnitOf } from './unit.js';

/** Collects the cells that should have been numbers and were not. */
class Unreadable {
  readonly flags: Flag[] = [];
  take(parsed: Parsed<number>, what: string, seq: number | null = null): number | null {
    if (parsed.ok) return parsed.value;
    this.flags.push(flag('number_unreadable', 'warn', `${what} is not a number: "${parsed.raw}"`, seq));
    return null;
  }
}

function normalizeFunding(block: ParsedBlock, unit: '元' | '万元', bad: Unreadable): Funding[] {
  return block.funding.map((line) => {
    const where = `资金 ${line.label}`;
    const fullYearYuan = bad.take(parseMoneyCell(line.fullYear, unit), `${where} 全年预算数`);
    const executedYuan = bad.take(parseMoneyCell(line.executed, unit), `${where} 全年执行数`);
    return {
      line: line.line,
      initialYuan: bad.take(parseMoneyCell(line.initial, unit), `${where} 年初预算数`),
      fullYearYuan,
      executedYuan,
      weight: bad.take(parseNumberCell(line.weight), `${where} 分值`),
      rate: bad.take(parseRate(line.rate, { percentHeader: block.ratePercentHeader, executedYuan, fullYearYuan }), `${where} 执行率`),
      rateRaw: line.rate,
      score: bad.take(parseNumberCell(line.score), `${where} 得分`),
    };
  });
}

/**
 * `1` under a `100%` target (or `100%` over an actual of `1`) is a fraction standing for a percent:
 * read it as 100% and say so.
 */
function fractionAsPercent(value: QuantitativeValue | null, sibling: QuantitativeValue | null): boolean {
  return value !== null && sibling !== null && value.unit === null && sibling.unit === '%'
    && value.value.greaterThanOrEqualTo(0) && value.value.lessThanOrEqualTo(1);
}

function normalizeIndicator(ind: ParsedIndicator, seq: number, bad: Unreadable, flags: Flag[]): Indicator {
  const aboutMoney = (other: string | null) =>
    (other?.includes('元') ?? false) || level2Code(ind.level2) === 'cost' || /(成本|金额|费用|资金|支出)/.test(ind.name ?? '');
  let target = parseIndicatorValue(ind.target, aboutMoney(ind.actual));
  // A bare actual under a 度量单位 column is in that unit (1180 under 台, 99.2 under %).
  const withUnit = ind.unit !== null && ind.actual !== null && BARE_NUMBER.test(ind.actual.trim()) ? `${ind.actual}${ind.unit}` : ind.actual;
  let actual = parseIndicatorValue(withUnit, aboutMoney(ind.target));
  for (const side of ['target', 'actual'] as const) {
    const [mine, other] = side === 'target' ? [target, actual] : [actual, target];
    if (!fractionAsPercent(mine, other)) continue;
    const percent = { op: mine!.op, value: mine!.value.times(100), unit: '%' };
    flags.push(flag('fraction_as_percent', 'info',
      `${side === 'target' ? '年度指标值' : '实际完成值'} "${ind[side]}" beside a percentage read as ${percent.value.toString()}%`, seq));
    if (side === 'target') target = percent;
    else actual = percent;
  }
  return {
    seq,
    line: ind.line,
    page: ind.page,
    level1: ind.level1,
    level1Points: bad.take(parseNumberCell(ind.level1Points), `一级指标 ${ind.level1 ?? ''} 分值`, seq),
    level1Code: level1Code(ind.level1),
    level2: ind.level2,
    level2Code: level2Code(ind.level2),
    name: ind.name,
    target: ind.target,
    targetOp: target?.op ?? null,
    targetValue: target ? target.value.toNumber() : null,
    targetUnit: target?.unit ?? null,
    actual: ind.actual,
    actualOp: actual?.op ?? null,
    actualValue: actual ? actual.value.toNumber() : null,
    actualUnit: actual?.unit ?? null,
    weight: bad.take(parseNumberCell(ind.weight), `分值 at line ${ind.line}`, seq),
    score: bad.take(parseNumberCell(ind.score), `得分 at line ${ind.line}`, seq),
    deviation: ind.deviation,
  };
}

/** Parsed text → typed values: money in 元, rates as fractions, indicator values split up. */
export function normalize(block: ParsedBlock): Evaluation {
  const bad = new Unreadable();
  const repairs: Flag[] = [];
  const money = moneyUnitOf(block);
  const funding = normalizeFunding(block, money.unit, bad);
  const indicators = block.indicators.map((ind, i) => normalizeIndicator(ind, i + 1, bad, repairs));
  const totalScore = parseNumberCell(block.totalScore);
  const year = block.header.year === null ? null : Number.parseInt(block.header.year, 10);
  return {
    blockIndex: block.blockIndex,
    title: block.title,
    projectName: block.header.projectName,
    projectCode: block.header.projectCode,
    projectAmountYuan: bad.take(parseMoneyCell(block.header.projectAmount, money.unit), '项目金额'),
    supervisingDept: block.header.supervisingDept,
    implementingUnit: block.header.implementingUnit,
    budgetUnit: block.header.budgetUnit,
    year: year !== null && Number.isFinite(year) ? year : null,
    moneyUnit: money.unit,
    moneyUnitSource: money.source,
    moneyUnitConfidence: money.confidence,
    goalExpected: block.goalExpected,
    goalActual: block.goalActual,
    totalWeight: bad.take(parseNumberCell(block.totalWeight), '总分 分值'),
    // An unreadable total (#REF!) is the validator's finding, not a number_unreadable warning.
    totalScore: totalScore.ok ? totalScore.value : null,
    totalScoreRaw: block.totalScore,
    pageStart: block.pageStart,
    pageEnd: block.pageEnd,
    lineStart: block.lineStart,
    lineEnd: block.lineEnd,
    funding,
    indicators,
    flags: [...block.flags, ...money.flags, ...repairs, ...bad.flags],
  };
}
