import { compact, goalHeading, GOALS_SECTION } from '../form/vocabulary.js';
import { indicatorColumn } from '../form/columns.js';
import type { Row } from '../model/table.js';
import { placed } from './grid.js';
import { textValue } from './text.js';

const isSectionLabel = (c: string) => GOALS_SECTION.test(compact(c));

/**
 * The two goal texts: the row after the one that heads them (预期目标 | 实际完成情况, or however the
 * issuer words them). Cells left of the actual goal's column are the expected goal, the rest the
 * actual; two filled cells are taken in order.
 */
export function parseGoals(rows: readonly Row[]): { expected: string | null; actual: string | null } {
  const at = rows.findIndex((r) => r.cells.some((c) => goalHeading(c) === 'expected') && r.cells.some((c) => goalHeading(c) === 'actual'));
  // The content row follows — after a row holding only the 年度总体目标 label, if it stands alone.
  const labelOnly = (row: Row | undefined) => row !== undefined && row.cells.every((c) => c === '' || isSectionLabel(c));
  const content = labelOnly(rows[at + 1]) ? rows[at + 2] : rows[at + 1];
  if (at < 0 || content === undefined) return { expected: null, actual: null };
  const heading = placed(rows[at]!);
  const actualCol = heading.find((c) => goalHeading(c.text) === 'actual')?.from ?? Infinity;
  const filled = placed(content).filter((c) => c.text !== '' && !isSectionLabel(c.text));
  // No goal texts: the row below is already the indicator table's header.
  const levelHeader = (c: string) => c.length <= 8 && ['level1', 'level2', 'name'].includes(indicatorColumn(c) ?? '');
  if (filled.some((c) => levelHeader(c.text))) return { expected: null, actual: null };
  if (filled.length === 2) return { expected: textValue(filled[0]!.text), actual: textValue(filled[1]!.text) };
  const join = (cells: typeof filled) => textValue(cells.map((c) => c.text).join(' '));
  return { expected: join(filled.filter((c) => c.from < actualCol)), actual: join(filled.filter((c) => c.from >= actualCol)) };
}
