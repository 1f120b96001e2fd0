import type { Row } from '../model/table.js';

/**
 * How the cells of a data row meet the columns of its header: by grid column when both are rows
 * of one table, by their x on the page when the row is on another page's table (a table continued
 * over a page break has a grid of its own, but its columns stand where they stood), by index for
 * text.
 */
export type Measure = 'grid' | 'x' | 'index';

/** A cell with the span it covers in one measure: columns [from, to], or x from–to in points. */
export interface PlacedCell {
  text: string;
  from: number;
  to: number;
  /** The cell began on a row above (a merged cell's rows below its text). */
  continued: boolean;
}

/** The measure in which a data row's cells meet its header's columns. */
export function measureFor(header: Row, row: Row): Measure {
  if (header.positions !== 'exact' || row.positions !== 'exact') return 'index';
  if (header.table !== null && header.table === row.table) return 'grid';
  return header.spans?.every((s) => s.box !== null) && row.spans?.every((s) => s.box !== null) ? 'x' : 'index';
}

/** The `i`-th cell of a row with what it covers in `measure`. */
function placedCell(row: Row, i: number, measure: Measure): PlacedCell {
  const text = row.cells[i]!;
  const s = row.spans?.[i];
  if (measure === 'index' || !s) return { text, from: i, to: i, continued: false };
  if (measure === 'x' && s.box) return { text, from: s.box[0], to: s.box[2], continued: s.continued };
  return { text, from: s.col, to: s.col + s.cols - 1, continued: s.continued };
}

/** The cells of a row with what they cover in `measure`. */
export function placed(row: Row, measure: Measure = row.positions === 'exact' ? 'grid' : 'index'): PlacedCell[] {
  return row.cells.map((_, i) => placedCell(row, i, measure));
}

/** Columns by class, in every measure the header row can give. */
export type Ranges<K> = Record<Measure, Map<K, readonly [number, number]>>;

export function emptyRanges<K>(): Ranges<K> {
  return { grid: new Map(), x: new Map(), index: new Map() };
}

/** Record the column `key` of a header row's `i`-th cell in every measure. */
export function setRange<K>(ranges: Ranges<K>, key: K, row: Row, i: number): void {
  for (const measure of ['grid', 'x', 'index'] as const) {
    const c = placedCell(row, i, measure);
    if (!ranges[measure].has(key)) ranges[measure].set(key, [c.from, c.to]);
  }
}

/** [from, to] in `measure` → the key whose range overlaps it most (null when none meets it). */
export function columnAt<K>(ranges: Ranges<K>, measure: Measure, from: number, to: number): K | null {
  let best: K | null = null;
  let most = 0;
  // Columns and indexes are whole cells (a one-column cell overlaps by 1); x overlaps in points.
  const extra = measure === 'x' ? 0 : 1;
  for (const [key, [a, b]] of ranges[measure]) {
    const overlap = Math.min(b, to) - Math.max(a, from) + extra;
    if (overlap > most) {
      most = overlap;
      best = key;
    }
  }
  return best;
}
