import { Decimal } from 'decimal.js';
import { isPlaceholder, parseDecimal, type Parsed } from './numbers.js';

export interface RateContext {
  /** The funding header prints 执行率 (%). */
  percentHeader: boolean;
  executedYuan: number | null;
  fullYearYuan: number | null;
}

const HUNDRED = new Decimal(100);

/**
 * 执行率 as a fraction of 1. Forms print it as a percent (99.99, "97.80%", header 执行率 (%))
 * or as a fraction (1.00, 0.97); without a % sign or header, the reading closer to
 * executed ÷ full-year budget wins, and without a budget a value above 1.5 is a percent.
 */
export function parseRate(raw: string | null, ctx: RateContext): Parsed<number> {
  if (isPlaceholder(raw)) return { ok: true, value: null };
  const text = raw!.trim();
  const percentSign = /%$/.test(text);
  const d = parseDecimal(text.replace(/\s*%$/, ''));
  if (d === null) return { ok: false, raw: text };
  let percent: boolean;
  if (percentSign || ctx.percentHeader) {
    percent = true;
  } else if (ctx.executedYuan !== null && ctx.fullYearYuan !== null && ctx.fullYearYuan > 0) {
    const ratio = new Decimal(ctx.executedYuan).dividedBy(ctx.fullYearYuan);
    percent = d.dividedBy(HUNDRED).minus(ratio).abs().lessThan(d.minus(ratio).abs());
  } else {
    percent = d.greaterThan(1.5);
  }
  return { ok: true, value: (percent ? d.dividedBy(HUNDRED) : d).toNumber() };
}
