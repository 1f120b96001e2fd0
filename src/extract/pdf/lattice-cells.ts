import type { CellSpan } from '../../model/table.js';
import type { TextRun } from './geometry.js';
import { cellText, confidences, indexIn, inside, LABEL_LIKE, ocrReadings, PAGE_NUMBER, range, splitRun, type LaidOutRow } from './cells.js';
import { findTables, type Table } from './lattice.js';
import type { TableStrategy } from './strategy.js';

/**
 * The lattice strategy: tables from the page's ruling lines (see findTables). Each run goes into
 * the cell its middle falls in — cut where it crosses a drawn rule — and a merged cell's label
 * that the producer printed outside it (clipped at a page break, or unclipped beside the table)
 * goes back into the cell it belongs to. What no table takes is free text.
 */

/** A run crossing a drawn vertical rule of its table row is cut there. */
function splitAcrossRules(run: TextRun, table: Table, row: number): TextRun[] {
  const cuts = table.xs.filter((x, k) => x > run.x0 + 1 && x < run.x1 - 1 && table.hasVertical(k, row));
  return cuts.length === 0 ? [run] : splitRun(run, cuts);
}

/**
 * One table's rows: each grid row lists the cells it meets, left to right — a merged cell's
 * text on its first row and an empty cell on the rows below it (as a merged cell reads in the
 * published text files), a horizontally merged cell once.
 */
function tableRows(table: Table, runs: readonly TextRun[], index: number): LaidOutRow[] {
  const texts = table.regions.map(() => [] as TextRun[]);
  for (const run of runs) {
    const row = indexIn(table.ys, (run.y0 + run.y1) / 2);
    if (row < 0) continue;
    for (const piece of splitAcrossRules(run, table, row)) {
      const col = indexIn(table.xs, (piece.x0 + piece.x1) / 2);
      if (col < 0) continue;
      texts[table.regionAt[row]![col]!]!.push(piece);
    }
  }
  const content = texts.map(cellText);
  const rows: LaidOutRow[] = [];
  const last = table.ys.length - 2;
  const home = new Map<number, { cells: string[]; index: number }>(); // where the text of each cell of the last row is
  for (let r = 0; r <= last; r++) {
    const cells: string[] = [];
    const read: TextRun[][] = [];
    const spans: LaidOutRow['spans'] = [];
    const grid: CellSpan[] = [];
    const openAbove: boolean[] = [];
    const bottom: NonNullable<LaidOutRow['bottom']> = [];
    let lastRegion = -1;
    for (let c = 0; c < table.xs.length - 1; c++) {
      const g = table.regionAt[r]![c]!;
      if (g === lastRegion) continue;
      lastRegion = g;
      const region = table.regions[g]!;
      if (region.r0 === r && region.r1 === last) home.set(g, { cells, index: cells.length });
      cells.push(region.r0 === r ? content[g]! : '');
      read.push(region.r0 === r ? texts[g]! : []);
      spans.push(region.r0 !== r ? 'continued' : region.r1 > r ? 'below' : 'own');
      grid.push({
        col: region.c0, cols: region.c1 - region.c0 + 1, rows: region.r1 - region.r0 + 1, continued: region.r0 !== r,
        openTop: region.r0 === 0 && [...range(region.c0, region.c1)].some((k) => table.openTop || !table.hasHorizontal(0, k)),
        openBottom: region.r1 === last && [...range(region.c0, region.c1)].some((k) => table.openBottom || !table.hasHorizontal(last + 1, k)),
        box: [table.xs[region.c0]!, table.ys[region.r0]!, table.xs[region.c1 + 1]!, table.ys[region.r1 + 1]!],
      });
      if (r === 0) openAbove.push(table.openTop || !table.hasHorizontal(0, c));
      if (r === last) {
        const at = home.get(g);
        bottom.push(at ? { ...at, open: table.openBottom || !table.hasHorizontal(last + 1, c) } : null);
      }
    }
    if (!cells.some((c) => c !== '')) continue;
    rows.push({
      top: table.ys[r]!, cells, ruled: true, spans, grid, table: index, ...confidences(read), ...ocrReadings(read),
      ...(r === 0 ? { openAbove } : {}),
      ...(r === last ? { bottom } : {}),
    });
  }
  return rows;
}

/**
 * A merged cell that runs over a page break is printed on both pages, its text centred on the
 * whole cell and clipped to each page's part: on the page where its label is clipped away the
 * cell looks empty, and a carried-down label would be wrong. A short clipped run beside a table's
 * top or bottom edge, over a cell left empty, with nothing but page numbers in between, is that
 * label: it belongs to that cell. Gnumeric does not clip: there the run is free text, and the
 * cell it belongs to must be a merged one (`merged`), not any empty cell at a table's edge.
 */
function overflowOf(run: TextRun, tables: readonly Table[], filledRegions: ReadonlyArray<ReadonlySet<number>>, others: ReadonlySet<TextRun>, merged = false): { table: number; row: number } | null {
  if (!LABEL_LIKE(run.text.trim())) return null;
  const cx = (run.x0 + run.x1) / 2;
  for (let t = 0; t < tables.length; t++) {
    const table = tables[t]!;
    if (cx < table.x0 || cx > table.x1) continue;
    const above = run.y1 <= table.y0 + 1;
    const below = run.y0 >= table.y1 - 1;
    if (!above && !below) continue;
    const [from, to] = above ? [run.y1, table.y0] : [table.y1, run.y0];
    let between = false;
    for (const o of others) between ||= o !== run && o.y0 >= from - 1 && o.y1 <= to + 1 && o.x1 > table.x0 && o.x0 < table.x1;
    if (between) continue;
    const row = above ? 0 : table.ys.length - 2;
    const col = indexIn(table.xs, cx);
    if (col < 0) continue;
    const g = table.regionAt[row]![col]!;
    const region = table.regions[g]!;
    if (!filledRegions[t]!.has(g) && (!merged || region.r1 > region.r0)) return { table: t, row };
  }
  return null;
}

export const lattice: TableStrategy = {
  name: 'lattice',
  tables(page) {
    const tables = findTables(page.rules);
    if (tables.length === 0) return { rows: [], rest: page.runs };
    const { runs, clipped } = page;
    const owned = tables.map(() => [] as TextRun[]);
    const free: TextRun[] = [];
    const filled = tables.map(() => new Set<number>());
    for (let run of runs) {
      const cx = (run.x0 + run.x1) / 2;
      let cy = (run.y0 + run.y1) / 2;
      let t = tables.findIndex((table) => inside(table, cx, cy));
      if (t < 0) {
        // A row cut by the page break: a line of its text straddles the cut where no rule is
        // drawn — one cell's text, not a running header or page number in the margin.
        const openAt = (table: Table, k: number) => (k === 0 ? table.openTop : table.openBottom)
          || !table.hasHorizontal(k, indexIn(table.xs, cx));
        const straddles = (table: Table, below: boolean) => cx > table.x0 && cx < table.x1 && (below
          ? cy >= table.y1 && run.y0 < table.y1 && openAt(table, table.ys.length - 1) && splitAcrossRules(run, table, table.ys.length - 2).length === 1
          : cy <= table.y0 && run.y1 > table.y0 && openAt(table, 0) && splitAcrossRules(run, table, 0).length === 1);
        const below = PAGE_NUMBER.test(run.text.trim()) ? -1 : tables.findIndex((table) => straddles(table, true));
        const above = below >= 0 || PAGE_NUMBER.test(run.text.trim()) ? -1 : tables.findIndex((table) => straddles(table, false));
        t = below >= 0 ? below : above;
        if (t < 0) {
          free.push(run);
          continue;
        }
        const table = tables[t]!;
        cy = below >= 0 ? table.y1 - 0.5 : table.y0 + 0.5;
        run = { ...run, y0: cy - run.size / 2, y1: cy + run.size / 2 };
      }
      owned[t]!.push(run);
      const table = tables[t]!;
      const r = indexIn(table.ys, cy);
      const c = indexIn(table.xs, cx);
      if (r >= 0 && c >= 0) filled[t]!.add(table.regionAt[r]![c]!);
    }
    const blockers = new Set(free.filter((r) => !PAGE_NUMBER.test(r.text.trim())));
    // Runs going into one empty edge cell, by table, row and column: moved into it as one run,
    // its lines in their order (a label wrapped in a narrow cell keeps 效益指标 before (40分)).
    const overflowing = new Map<string, { table: number; row: number; runs: TextRun[] }>();
    const place = (run: TextRun, overflow: { table: number; row: number }) => {
      const key = `${overflow.table}:${overflow.row}:${indexIn(tables[overflow.table]!.xs, (run.x0 + run.x1) / 2)}`;
      const into = overflowing.get(key) ?? { ...overflow, runs: [] };
      into.runs.push(run);
      overflowing.set(key, into);
    };
    for (const run of clipped) {
      const overflow = overflowOf(run, tables, filled, blockers);
      if (overflow) place(run, overflow);
    }
    // Short free texts by a table, nearest its edge first: a label's first line taken, its next one
    // has nothing in between.
    const gap = (run: TextRun) => Math.min(Infinity, ...tables.map((t) => Math.max(t.y0 - run.y1, run.y0 - t.y1)).filter((d) => d >= -1));
    const labels = [...blockers].filter((r) => LABEL_LIKE(r.text.trim())).map((run) => ({ run, gap: gap(run) }));
    for (const { run } of labels.sort((a, b) => a.gap - b.gap)) {
      const overflow = overflowOf(run, tables, filled, blockers, true);
      if (!overflow) continue;
      place(run, overflow);
      blockers.delete(run);
    }
    for (const { table: t, row, runs: into } of overflowing.values()) {
      const table = tables[t]!;
      const y = (table.ys[row]! + table.ys[row + 1]!) / 2;
      const size = Math.max(...into.map((r) => r.size));
      const text = cellText(into);
      owned[t]!.push({ ...into[0]!, text, centres: undefined, x0: Math.min(...into.map((r) => r.x0)), x1: Math.max(...into.map((r) => r.x1)), y0: y - size / 2, y1: y + size / 2, size });
    }
    const rest = free.filter((run) => blockers.has(run) || PAGE_NUMBER.test(run.text.trim()));
    return { rows: tables.flatMap((table, i) => tableRows(table, owned[i]!, i)), rest };
  },
};
