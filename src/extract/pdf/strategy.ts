import type { RowSense } from '../sense.js';
import type { LaidOutRow } from './cells.js';
import type { Rule, TextRun } from './geometry.js';

/** What one page gives a table strategy: its ruling lines and its visible text. */
export interface PageContent {
  rules: readonly Rule[];
  /** Visible runs, page numbers and off-page text already gone. */
  runs: readonly TextRun[];
  /** Runs the producer clipped away (a merged cell's label at a page break). */
  clipped: readonly TextRun[];
}

/**
 * A way of finding a page's tables (Camelot's lattice and stream): the rows of the tables found,
 * and the runs no table took (free text). A strategy that finds none returns every run as rest.
 */
export interface TableStrategy {
  readonly name: 'lattice' | 'stream';
  tables(page: PageContent, sense: RowSense): { rows: LaidOutRow[]; rest: readonly TextRun[] };
}
