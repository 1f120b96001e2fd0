import type { Row } from '../model/table.js';
import { textValue } from './text.js';

const GOAL_LABEL = /^年度总体\s*目标$/;

/**
 * The two goal texts: the row after the one that prints 预期目标 / 实际完成情况. Cells left of the
 * 实际完成情况 column are the expected goal, the rest the actual; two filled cells are taken in order.
 */
export function parseGoals(rows: readonly Row[]): { expected: string | null; actual: string | null } {
  const at = rows.findIndex((r) => r.cells.some((c) => /^\*?\s*预期目标$/.test(c)));
  // The content row follows — after a row holding only the 年度总体目标 label, if it stands alone.
  const labelOnly = (row: Row | undefined) => row !== undefined && row.cells.every((c) => c === '' || GOAL_LABEL.test(c));
  const content = labelOnly(rows[at + 1]) ? rows[at + 2] : rows[at + 1];
  if (at < 0 || content === undefined) return { expected: null, actual: null };
  const heading = rows[at]!.cells;
  const actualCol = heading.findIndex((c) => /实际完成情况/.test(c));
  const filled = content.cells
    .map((text, col) => ({ text, col }))
    .filter((c) => c.text !== '' && !GOAL_LABEL.test(c.text));
  if (filled.some((c) => /^(一级指标|二级指标|三级指标)$/.test(c.text))) return { expected: null, actual: null };
  if (filled.length === 2) return { expected: textValue(filled[0]!.text), actual: textValue(filled[1]!.text) };
  const split = actualCol >= 0 ? actualCol : Infinity;
  const join = (cells: typeof filled) => textValue(cells.map((c) => c.text).join(' '));
  return { expected: join(filled.filter((c) => c.col < split)), actual: join(filled.filter((c) => c.col >= split)) };
}
