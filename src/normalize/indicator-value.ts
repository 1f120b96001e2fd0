import { Decimal } from 'decimal.js';
import type { Comparator } from '../model/evaluation.js';

export interface QuantitativeValue {
  op: Comparator;
  value: Decimal;
  unit: string | null;
}

/** Comparators as printed, symbol or words; the longest match wins. */
const OPERATORS: ReadonlyArray<readonly [string, Comparator]> = [
  ['大于等于', '≥'], ['小于等于', '≤'], ['不少于', '≥'], ['不低于', '≥'], ['不小于', '≥'], ['不超过', '≤'],
  ['不高于', '≤'], ['不大于', '≤'], ['不多于', '≤'], ['>=', '≥'], ['<=', '≤'], ['≥', '≥'], ['≧', '≥'],
  ['≤', '≤'], ['≦', '≤'], ['大于', '>'], ['高于', '>'], ['多于', '>'], ['超过', '>'], ['小于', '<'],
  ['低于', '<'], ['少于', '<'], ['＞', '>'], ['>', '>'], ['＜', '<'], ['<', '<'], ['＝', '='], ['=', '='], ['═', '='],
  ['约', '≈'],
];

/** OPERATORS by their first character, in the same order: a value is tried only against those it can begin with. */
const OPERATORS_BY_FIRST = new Map<string, Array<readonly [string, Comparator]>>();
for (const entry of OPERATORS) {
  const first = entry[0][0]!;
  OPERATORS_BY_FIRST.set(first, [...(OPERATORS_BY_FIRST.get(first) ?? []), entry]);
}

/** Words after the number that change the comparator: 以上 ≥, 以内/以下/内 ≤, 左右 ≈, 余/多 >. */
const SUFFIXES: ReadonlyArray<readonly [RegExp, Comparator]> = [
  [/以上$/, '≥'], [/(以内|以下|内)$/, '≤'], [/左右$/, '≈'],
];

const NUMBER = /^([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)/;
const UNIT = /^[%‰㎡a-zA-Z\u4e00-\u9fff/]{1,5}$/;
const DATE_UNIT = /^(年|月|日|号)/;

/**
 * A quantitative indicator value: `≥30次` → ≥ 30 次, `99%` → = 99 %, `≤118万元` → ≤ 1180000 元,
 * `6000余条` → > 6000 条, `24小时内` → ≤ 24 小时. A bare `万` is 万元 when `moneyHint` says the
 * indicator is about money (its other value is in 元, or it is a cost). Text that is not just comparator + number + unit
 * (`及时`, `2021年12月前`, `7×24小时`) is not quantitative: null.
 */
export function parseIndicatorValue(text: string | null, moneyHint: boolean): QuantitativeValue | null {
  if (text === null) return null;
  let s = text.trim().replace(/\s+/g, '');
  let op: Comparator | null = null;
  for (const [word, comparator] of OPERATORS_BY_FIRST.get(s[0] ?? '') ?? []) {
    if (s.startsWith(word)) {
      op = comparator;
      s = s.slice(word.length);
      break;
    }
  }
  const m = NUMBER.exec(s);
  if (m === null) return null;
  let value = new Decimal(m[1]!.replace(/,/g, ''));
  let rest = s.slice(m[1]!.length);
  const about = /^(余|多)/.exec(rest);
  if (about) {
    rest = rest.slice(about[0].length);
    op ??= '>';
  }
  for (const [re, comparator] of SUFFIXES) {
    if (re.test(rest)) {
      rest = rest.replace(re, '');
      op ??= comparator;
      break;
    }
  }
  if (rest.startsWith('万')) {
    value = value.times(10000);
    rest = rest.slice(1);
    // `596.74万` beside `…603.8万元`, or as a cost: the 万 is 万元.
    if (rest === '' && moneyHint) rest = '元';
  }
  if (rest !== '' && !UNIT.test(rest)) return null;
  if (DATE_UNIT.test(rest) && (!rest.startsWith('年') || value.greaterThanOrEqualTo(1000))) return null;
  return { op: op ?? '=', value, unit: rest === '' ? null : rest };
}
