import { Decimal } from 'decimal.js';

import { isPlaceholder, PLAIN_NUMBER as PLAIN } from '../form/vocabulary.js';

export { isPlaceholder };

/** Parse a printed decimal ("1,656.74", "10", "99.88") exactly; null when it is not one. */
export function parseDecimal(text: string): Decimal | null {
  const s = text.trim();
  if (!PLAIN.test(s)) return null;
  return new Decimal(s.replace(/,/g, ''));
}

export type Parsed<T> = { ok: true; value: T | null } | { ok: false; raw: string };

/** A numeric cell: placeholders → null; something else that is not a number → not ok. */
export function parseNumberCell(text: string | null): Parsed<number> {
  if (isPlaceholder(text)) return { ok: true, value: null };
  const s = text!.trim();
  // Nothing is scaled or summed here, so the correctly rounded Number() is the exact column value.
  return PLAIN.test(s) ? { ok: true, value: Number(s.replace(/,/g, '')) } : { ok: false, raw: text! };
}

const WAN = new Decimal(10000);

/**
 * Money in 元, computed exactly: `万元` (from the cell or the form's unit) × 10000, thousands
 * separators dropped, `596.74万` read as 万元. The double is made only at the end.
 */
export function parseMoneyCell(text: string | null, formUnit: '元' | '万元'): Parsed<number> {
  if (isPlaceholder(text)) return { ok: true, value: null };
  const m = /^(.*?)\s*(万元|万|元)?$/.exec(text!.trim())!;
  const d = parseDecimal(m[1]!);
  if (d === null) return { ok: false, raw: text! };
  const unit = m[2] ?? formUnit;
  return { ok: true, value: (unit === '元' ? d : d.times(WAN)).toNumber() };
}
