import type { CellSpan } from '../../model/table.js';
import type { Box, TextRun } from './geometry.js';
import type { Table } from './lattice.js';
import { streamTables } from './stream.js';

const CJK = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]/;

/**
 * Join two lines of a cell: one space between Latin words, nothing otherwise — not between CJK
 * characters, nor inside a number or a "(50分)" wrapped or printed one character per line.
 */
export function joinText(a: string, b: string): string {
  if (a === '') return b;
  return /[A-Za-z]$/.test(a) && /^[A-Za-z]/.test(b) ? `${a} ${b}` : a + b;
}

/** Runs → lines (by vertical overlap), each line's runs left to right. */
function lines(runs: readonly TextRun[]): TextRun[][] {
  const sorted = [...runs].sort((a, b) => (a.y0 + a.y1) / 2 - (b.y0 + b.y1) / 2 || a.x0 - b.x0);
  const out: TextRun[][] = [];
  for (const run of sorted) {
    const mid = (run.y0 + run.y1) / 2;
    const line = out[out.length - 1];
    const ref = line?.[0];
    if (ref && Math.abs(mid - (ref.y0 + ref.y1) / 2) <= Math.max(ref.size, run.size) * 0.5) line!.push(run);
    else out.push([run]);
  }
  return out.map((l) => l.sort((a, b) => a.x0 - b.x0));
}

/** A cell's text: its lines in reading order, wrapped lines joined without breaking CJK text. */
export function cellText(runs: readonly TextRun[]): string {
  if (runs.length === 0) return ''; // most cells of a form are empty or one run
  if (runs.length === 1) return runs[0]!.text.replace(/\s+/g, ' ').trim();
  let text = '';
  for (const line of lines(runs)) {
    let lineText = '';
    let prev: TextRun | null = null;
    for (const run of line) {
      const gap = prev ? run.x0 - prev.x1 : 0;
      lineText = prev && gap > run.size * 0.3 && !CJK.test(lineText.slice(-1)) && !CJK.test(run.text[0]!) ? `${lineText} ${run.text}` : lineText + run.text;
      prev = run;
    }
    text = joinText(text, lineText.trim());
  }
  return text.replace(/\s+/g, ' ').trim();
}

/** Rough advance of a character in ems: CJK and full-width characters are square, others about half. */
const advance = (ch: string) => (CJK.test(ch) ? 1 : 0.55);

/**
 * Cut a run at the given x positions (the text of neighbouring narrow cells comes as one run when
 * the gap is small): each character goes where its centre stands, or where its estimated width
 * puts it when the run does not know where its characters are.
 */
export function splitRun(run: TextRun, cuts: readonly number[]): TextRun[] {
  const inner = cuts.filter((x) => x > run.x0 + 1 && x < run.x1 - 1).sort((a, b) => a - b);
  if (inner.length === 0) return [run];
  const chars = Array.from(run.text);
  const centres = run.centres;
  if (centres && centres.length === chars.length) {
    const bounds = [run.x0, ...inner, run.x1];
    return bounds.slice(1).flatMap((x1, k) => {
      const x0 = bounds[k]!;
      const last = k === bounds.length - 2;
      const keep = chars.map((_, i) => centres[i]! >= (k === 0 ? -Infinity : x0) && (last || centres[i]! < x1));
      const text = chars.filter((_, i) => keep[i]).join('');
      return text.trim() === '' ? [] : [{ ...run, text, x0, x1, centres: centres.filter((_, i) => keep[i]) }];
    });
  }
  const total = chars.reduce((s, c) => s + advance(c), 0);
  const scale = (run.x1 - run.x0) / total;
  const pieces: TextRun[] = [];
  let x = run.x0;
  let start = 0;
  let pos = run.x0;
  for (const cut of [...inner, Infinity]) {
    let end = start;
    while (end < chars.length && (cut === Infinity || pos + (advance(chars[end]!) * scale) / 2 <= cut)) {
      pos += advance(chars[end]!) * scale;
      end++;
    }
    const text = chars.slice(start, end).join('');
    const x1 = cut === Infinity ? run.x1 : cut;
    if (text.trim() !== '') pieces.push({ ...run, text, x0: x, x1, centres: undefined });
    start = end;
    x = x1;
  }
  return pieces;
}

/** A run crossing a drawn vertical rule of its table row is cut there. */
function splitAcrossRules(run: TextRun, table: Table, row: number): TextRun[] {
  const cuts = table.xs.filter((x, k) => x > run.x0 + 1 && x < run.x1 - 1 && table.hasVertical(k, row));
  return cuts.length === 0 ? [run] : splitRun(run, cuts);
}

function* range(from: number, to: number): Generator<number> {
  for (let k = from; k <= to; k++) yield k;
}

function indexIn(edges: readonly number[], v: number): number {
  for (let i = 0; i < edges.length - 1; i++) if (v >= edges[i]! && v < edges[i + 1]!) return i;
  return -1;
}

function inside(box: Box, x: number, y: number, slack = 1): boolean {
  return x >= box.x0 - slack && x <= box.x1 + slack && y >= box.y0 - slack && y <= box.y1 + slack;
}

/** A row of a page as the table model wants it, with its top for ordering. */
export interface LaidOutRow {
  top: number;
  cells: string[];
  /** Row of a ruled table (vs. free text around the tables). */
  ruled: boolean;
  /** Per cell: 'own' (the cell starts on this row), 'below' (it also spans the rows below), 'continued' (it started above). */
  spans: Array<'own' | 'below' | 'continued'>;
  /** Per cell of a ruled table: its place in the grid, its span and box — the table's own cells. */
  grid?: CellSpan[];
  /** The page's table the grid belongs to (its index on the page). */
  table?: number;
  /**
   * First row of a table: per cell, whether no rule closes it above — the page break cut it, and
   * it goes on from the previous page.
   */
  openAbove?: boolean[];
  /**
   * Last row of a table: per cell, where its text lives (its merged cell's first row, and the
   * cell's place in it), and whether no rule closes it below — the page break cut it, it goes on.
   */
  bottom?: Array<{ cells: string[]; index: number; open: boolean } | null>;
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
      top: table.ys[r]!, cells, ruled: true, spans, grid, table: index,
      ...(r === 0 ? { openAbove } : {}),
      ...(r === last ? { bottom } : {}),
    });
  }
  return rows;
}

/** A line's runs (left to right) in pieces: a gap wider than `ems` × the font size starts the next. */
function piecesOf(line: readonly TextRun[], ems: number): TextRun[][] {
  const pieces: TextRun[][] = [];
  for (const run of line) {
    const piece = pieces[pieces.length - 1];
    const prev = piece?.[piece.length - 1];
    if (prev && run.x0 - prev.x1 <= Math.max(run.size, prev.size) * ems) piece!.push(run);
    else pieces.push([run]);
  }
  return pieces;
}

/** Free text (titles, notes, pages without rules): lines, cut into cells at wide gaps. */
function freeRows(runs: readonly TextRun[]): LaidOutRow[] {
  return lines(runs).map((line) => {
    const cells = piecesOf(line, 1.5);
    return { top: Math.min(...line.map((r) => r.y0)), cells: cells.map(cellText), ruled: false, spans: cells.map(() => 'own' as const) };
  });
}

/** Page furniture that is not content: "第 1 页，共 12 页", "- 3 -", "3/12". */
const PAGE_NUMBER = /^(第\s*\d+\s*页\s*[,，]?\s*(共\s*\d+\s*页)?|共\s*\d+\s*页|[-—]?\s*\d+\s*[-—]?|\d+\s*\/\s*\d+|page\s*\d+(\s*of\s*\d+)?)$/i;

/** Short text with no sentence punctuation: a label such as 数量指标 or 年度绩效. */
export const LABEL_LIKE = (text: string) => text.length <= 10 && !/[。；，,;]/.test(text);

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

/**
 * Runs that spell "第 2 页，共 8 页" together — in pieces, as each change of font starts a run — are
 * page furniture, even where a table's rules run past them (Gnumeric draws merged columns down to
 * the footer) or a label shares their line.
 */
function pageNumberRuns(runs: readonly TextRun[]): Set<TextRun> {
  const footer = new Set<TextRun>();
  const marks = runs.filter((r) => r.text.includes('页'));
  if (marks.length === 0) return footer;
  // Only the lines that hold a 页 need lining up.
  const mid = (r: TextRun) => (r.y0 + r.y1) / 2;
  const near = runs.filter((r) => marks.some((m) => Math.abs(mid(m) - mid(r)) <= Math.max(m.size, r.size) * 0.5));
  for (const line of lines(near)) {
    for (const piece of piecesOf(line, 1)) {
      const text = piece.map((r) => r.text).join('').replace(/\s+/g, '');
      if (/^第\d+页/.test(text) && PAGE_NUMBER.test(text)) for (const run of piece) footer.add(run);
    }
  }
  return footer;
}

/**
 * Lay out one page: its tables and the free text around them, top to bottom. Page numbers go,
 * and so does text drawn off the page (`width` × `height`), which nobody can see.
 */
export function layoutPage(tables: readonly Table[], allRuns: readonly TextRun[], clipped: readonly TextRun[], width: number, height: number): LaidOutRow[] {
  const footer = pageNumberRuns(allRuns);
  const runs = allRuns.filter((r) => !footer.has(r) && inside({ x0: 0, y0: 0, x1: width, y1: height }, (r.x0 + r.x1) / 2, (r.y0 + r.y1) / 2, 0));
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
  const place = (run: TextRun, overflow: { table: number; row: number }) => {
    const table = tables[overflow.table]!;
    const y = (table.ys[overflow.row]! + table.ys[overflow.row + 1]!) / 2; // into the empty edge cell
    owned[overflow.table]!.push({ ...run, y0: y - run.size / 2, y1: y + run.size / 2 });
  };
  for (const run of clipped) {
    const overflow = overflowOf(run, tables, filled, blockers);
    if (overflow) place(run, overflow);
  }
  // Short free texts by a table, nearest its edge first: a label's first line taken, its next one
  // has nothing in between.
  const gap = (run: TextRun) => Math.min(Infinity, ...tables.map((t) => Math.max(t.y0 - run.y1, run.y0 - t.y1)).filter((d) => d >= -1));
  const labels = tables.length === 0 ? [] : [...blockers].filter((r) => LABEL_LIKE(r.text.trim())).map((run) => ({ run, gap: gap(run) }));
  for (const { run } of labels.sort((a, b) => a.gap - b.gap)) {
    const overflow = overflowOf(run, tables, filled, blockers, true);
    if (!overflow) continue;
    place(run, overflow);
    blockers.delete(run);
  }
  const rest = free.filter((run) => blockers.has(run) || PAGE_NUMBER.test(run.text.trim()));
  // Without ruling lines, tables are found from their header lines (stream fallback).
  const stream = tables.length === 0 ? streamTables(rest) : { rows: [], rest };
  const rows = [
    ...tables.flatMap((table, i) => tableRows(table, owned[i]!, i)),
    ...stream.rows,
    ...freeRows(stream.rest).filter((r) => !(r.cells.length === 1 && PAGE_NUMBER.test(r.cells[0]!))),
  ];
  return rows.sort((a, b) => a.top - b.top);
}
