import type { z } from 'zod';
import type { ComparableRowSchema } from '../model/stored.js';

/** The indicator fields a shortfall test needs (as stored). */
export type Comparable = z.infer<typeof ComparableRowSchema>;

/**
 * Does the actual value fall short of the target? Only where both are quantitative in the same
 * unit and the target's comparator can be respected: ≥ / > / = are floors (a count or rate to
 * reach), ≤ / < are ceilings. "About" targets (≈, 左右) are never judged. null: not comparable.
 */
export function fallsShort(i: Comparable): boolean | null {
  if (i.target_value === null || i.actual_value === null || i.target_op === null) return null;
  if (i.target_unit !== i.actual_unit) return null;
  switch (i.target_op) {
    case '≥': case '=': return i.actual_value < i.target_value;
    case '>': return i.actual_value <= i.target_value;
    case '≤': return i.actual_value > i.target_value;
    case '<': return i.actual_value >= i.target_value;
    default: return null;
  }
}
