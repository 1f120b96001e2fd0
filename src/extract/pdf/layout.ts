import type { Rule, TextRun } from './geometry.js';
import { freeRows, inside, PAGE_NUMBER, pageNumberRuns, type LaidOutRow } from './cells.js';
import { lattice } from './lattice-cells.js';
import type { RowSense } from '../sense.js';
import { stream } from './stream.js';
import type { TableStrategy } from './strategy.js';

/** The strategies in the order they are tried: the first that finds tables on a page reads it. */
const STRATEGIES: readonly TableStrategy[] = [lattice, stream];

/**
 * Lay out one page: its tables and the free text around them, top to bottom. Page numbers go,
 * and so does text drawn off the page (`width` × `height`), which nobody can see. Tables come
 * from the first strategy that finds any: ruling lines (lattice), else header lines (stream).
 */
export function layoutPage(rules: readonly Rule[], allRuns: readonly TextRun[], clipped: readonly TextRun[], width: number, height: number, sense: RowSense): LaidOutRow[] {
  const footer = pageNumberRuns(allRuns);
  const runs = allRuns.filter((r) => !footer.has(r) && inside({ x0: 0, y0: 0, x1: width, y1: height }, (r.x0 + r.x1) / 2, (r.y0 + r.y1) / 2, 0));
  let found: { rows: LaidOutRow[]; rest: readonly TextRun[] } = { rows: [], rest: runs };
  for (const strategy of STRATEGIES) {
    found = strategy.tables({ rules, runs, clipped }, sense);
    if (found.rows.length > 0) break;
  }
  const rows = [...found.rows, ...freeRows(found.rest).filter((r) => !(r.cells.length === 1 && PAGE_NUMBER.test(r.cells[0]!)))];
  return rows.sort((a, b) => a.top - b.top);
}
