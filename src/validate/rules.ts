import { Decimal } from 'decimal.js';
import type { Evaluation } from '../model/evaluation.js';
import { flag, type Flag } from '../model/flag.js';
import { FUNDING_LINE_NAMES } from '../form/columns.js';

/** Printed scores carry two decimals; sums that differ by less than this are rounding. */
const SCORE_TOLERANCE = new Decimal('0.015');

const dec = (n: number | null) => new Decimal(n ?? 0);
const fmt = (d: Decimal) => d.toString();
const sum = (values: Array<number | null>) => values.reduce((acc, v) => acc.plus(dec(v)), new Decimal(0));

export function requiredFields(e: Evaluation): Flag[] {
  const missing: string[] = [];
  if (e.projectName === null) missing.push('项目名称');
  if (!e.funding.some((f) => f.line === 'total')) missing.push('年度资金总额');
  if (e.indicators.length === 0) missing.push('绩效指标');
  if (e.totalWeight === null && e.totalScoreRaw === null) missing.push('总分');
  return missing.map((m) => flag('required_field_missing', 'error', `required field missing: ${m}`));
}

export function totalReadable(e: Evaluation): Flag[] {
  if (e.totalScoreRaw === null || e.totalScore !== null) return [];
  return [flag('total_unreadable', 'error', `总分 得分 is unreadable: "${e.totalScoreRaw}"`)];
}

export function scoresWithinWeights(e: Evaluation): Flag[] {
  const flags: Flag[] = [];
  for (const ind of e.indicators) {
    if (ind.weight !== null && ind.score !== null && ind.score > ind.weight) {
      flags.push(flag('score_exceeds_weight', 'error',
        `得分 ${ind.score} is above 分值 ${ind.weight} for "${ind.name ?? '(unnamed)'}"`, ind.seq));
    }
  }
  const total = e.funding.find((f) => f.line === 'total');
  if (total && total.weight !== null && total.score !== null && total.score > total.weight) {
    flags.push(flag('score_exceeds_weight', 'error', `funding 得分 ${total.score} is above its 分值 ${total.weight}`));
  }
  return flags;
}

/** Some issuers print no 分值 column: then there are no weights to add up. */
const printsWeights = (e: Evaluation) => e.indicators.some((x) => x.weight !== null) || e.funding.some((f) => f.weight !== null);

/** The 分值 of the indicators under one 一级指标 add up to that level's printed points. */
export function levelWeights(e: Evaluation): Flag[] {
  const flags: Flag[] = [];
  if (!printsWeights(e)) return flags;
  let i = 0;
  while (i < e.indicators.length) {
    const head = e.indicators[i]!;
    let j = i;
    while (j < e.indicators.length && e.indicators[j]!.level1 === head.level1 && e.indicators[j]!.level1Points === head.level1Points) j++;
    if (head.level1Points !== null) {
      const got = sum(e.indicators.slice(i, j).map((x) => x.weight));
      if (!got.equals(head.level1Points)) {
        flags.push(flag('level_weight_mismatch', 'warn',
          `indicator 分值 under ${head.level1 ?? '一级指标'} add up to ${fmt(got)}, not the ${head.level1Points} points it prints`));
      }
    }
    i = j;
  }
  return flags;
}

/** Funding 分值 + all indicator 分值 = 总分 分值 (some issuers' 总分 leaves the funding points out). */
export function totalWeight(e: Evaluation): Flag[] {
  if (e.totalWeight === null || !printsWeights(e)) return [];
  const fundingWeight = e.funding.find((f) => f.line === 'total')?.weight ?? null;
  const indicators = sum(e.indicators.map((x) => x.weight));
  const got = dec(fundingWeight).plus(indicators);
  if (got.equals(e.totalWeight) || indicators.equals(e.totalWeight)) return [];
  return [flag('total_weight_mismatch', 'warn',
    `funding 分值 ${fundingWeight ?? 0} + indicator 分值 add up to ${fmt(got)}, not the 总分 分值 ${e.totalWeight}`)];
}

/** Funding 得分 + all indicator 得分 = 总分 得分 (or the indicators alone, where 总分 leaves funding out). */
export function totalScore(e: Evaluation): Flag[] {
  if (e.totalScore === null) return [];
  const fundingScore = e.funding.find((f) => f.line === 'total')?.score ?? null;
  const indicators = sum(e.indicators.map((x) => x.score));
  const got = dec(fundingScore).plus(indicators);
  const close = (x: Decimal) => x.minus(e.totalScore!).abs().lessThan(SCORE_TOLERANCE);
  if (close(got) || (fundingScore !== null && close(indicators))) return [];
  return [flag('total_score_mismatch', 'warn',
    `funding 得分 ${fundingScore ?? 0} + indicator 得分 add up to ${fmt(got)}, not the 总分 得分 ${e.totalScore}`)];
}


/**
 * 执行率 = 全年执行数 ÷ 全年预算数, to the precision printed (one unit of the last printed digit,
 * so that truncated as well as rounded rates pass).
 */
export function executionRates(e: Evaluation): Flag[] {
  const flags: Flag[] = [];
  for (const f of e.funding) {
    if (f.rate === null || f.rateRaw === null || f.executedYuan === null || !f.fullYearYuan) continue;
    const printed = new Decimal(f.rateRaw.replace(/[%\s,]/g, ''));
    const scale = f.rate === 0 ? new Decimal(1) : printed.dividedBy(f.rate).toDecimalPlaces(0);
    const decimals = (/\.(\d+)/.exec(f.rateRaw)?.[1]?.length) ?? 0;
    const tolerance = new Decimal(10).pow(-decimals).plus('1e-9');
    const exact = new Decimal(f.executedYuan).dividedBy(f.fullYearYuan).times(scale);
    if (exact.minus(printed).abs().greaterThan(tolerance)) {
      flags.push(flag('rate_mismatch', 'warn',
        `${FUNDING_LINE_NAMES[f.line]} 执行率 prints ${f.rateRaw} but 全年执行数 ÷ 全年预算数 = ${exact.toDecimalPlaces(decimals + 2).toString()}`));
    }
  }
  return flags;
}

/** 年度资金总额 = the sum of the lines under it (财政拨款, 财政专户, 单位资金, 上年结转, 其他), column by column. */
export function fundingLines(e: Evaluation): Flag[] {
  const total = e.funding.find((f) => f.line === 'total');
  const parts = e.funding.filter((f) => f.line !== 'total');
  if (!total || parts.length === 0) return [];
  const columns = [['initialYuan', '年初预算数'], ['fullYearYuan', '全年预算数'], ['executedYuan', '全年执行数']] as const;
  const off: string[] = [];
  for (const [key, name] of columns) {
    if (total[key] === null) continue;
    const got = sum(parts.map((p) => p[key]));
    if (!got.equals(total[key])) off.push(`${name} lines add up to ${fmt(got)}, total prints ${total[key]}`);
  }
  return off.length === 0 ? [] : [flag('funding_lines_mismatch', 'warn', `funding lines do not add up: ${off.join('; ')}`)];
}

/**
 * A budget set at the start of the year and withdrawn during it (年初预算 > 0, 全年预算 0): nothing
 * was there to spend, so its 0% execution and its score say nothing about how money was spent.
 * Comparisons leave such projects out of execution rates and mean scores and count them apart.
 */
export function budgetWithdrawn(e: Evaluation): Flag[] {
  const total = e.funding.find((f) => f.line === 'total');
  if (!total || total.initialYuan === null || total.fullYearYuan === null) return [];
  if (!(total.initialYuan > 0) || total.fullYearYuan !== 0) return [];
  return [flag('budget_withdrawn', 'warn',
    `年初预算数 ${new Decimal(total.initialYuan).toFixed(2)} 元 but 全年预算数 ${new Decimal(total.fullYearYuan).toFixed(2)} 元: the budget was withdrawn during the year; left out of execution rates and mean scores`)];
}
