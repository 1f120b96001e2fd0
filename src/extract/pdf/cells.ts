import type { CellSpan } from '../../model/table.js';
import type { Box, TextRun } from './geometry.js';
import { TABLE_SETTINGS as S } from './settings.js';

/** Text and row helpers shared by the table strategies: lines, cell texts, cut runs, page furniture. */

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
export function lines(runs: readonly TextRun[]): TextRun[][] {
  const sorted = [...runs].sort((a, b) => (a.y0 + a.y1) / 2 - (b.y0 + b.y1) / 2 || a.x0 - b.x0);
  const out: TextRun[][] = [];
  for (const run of sorted) {
    const mid = (run.y0 + run.y1) / 2;
    const line = out[out.length - 1];
    const ref = line?.[0];
    if (ref && Math.abs(mid - (ref.y0 + ref.y1) / 2) <= Math.max(ref.size, run.size) * S.lineOverlap) line!.push(run);
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
      lineText = prev && gap > run.size * S.wordGapEms && !CJK.test(lineText.slice(-1)) && !CJK.test(run.text[0]!) ? `${lineText} ${run.text}` : lineText + run.text;
      prev = run;
    }
    text = joinText(text, lineText.trim());
  }
  return text.replace(/\s+/g, ' ').trim();
}

/** The lowest OCR confidence among a cell's runs; null when none was read by OCR (or the cell is empty). */
export function lowestConfidence(runs: readonly TextRun[]): number | null {
  let lowest: number | null = null;
  for (const run of runs) if (run.confidence !== undefined) lowest = Math.min(lowest ?? 1, run.confidence);
  return lowest;
}

/** Per cell, its lowest OCR confidence — or nothing at all for a row no run of which was read by OCR. */
export function confidences(cells: ReadonlyArray<readonly TextRun[]>): { confidence?: Array<number | null> } {
  const values = cells.map(lowestConfidence);
  return values.some((v) => v !== null) ? { confidence: values } : {};
}

/**
 * Per cell read by OCR: the numeric-alphabet reading of a cell that is one run with one (see
 * TextRun.digits), and what the recogniser read of a cell some run of which was taken as
 * something else (TextRun.recognised) — each left out for a row without any.
 */
export function ocrReadings(cells: ReadonlyArray<readonly TextRun[]>): { digits?: Array<string | null>; recognised?: Array<string | null> } {
  const digits = cells.map((runs) => (runs.length === 1 ? runs[0]!.digits ?? null : null));
  const recognised = cells.map((runs) => (runs.some((r) => r.recognised !== undefined) ? cellText(runs.map((r) => ({ ...r, text: r.recognised ?? r.text }))) : null));
  return { ...(digits.some((v) => v !== null) ? { digits } : {}), ...(recognised.some((v) => v !== null) ? { recognised } : {}) };
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

export function* range(from: number, to: number): Generator<number> {
  for (let k = from; k <= to; k++) yield k;
}

export function indexIn(edges: readonly number[], v: number): number {
  for (let i = 0; i < edges.length - 1; i++) if (v >= edges[i]! && v < edges[i + 1]!) return i;
  return -1;
}

export function inside(box: Box, x: number, y: number, slack = 1): boolean {
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
  /** Per cell, for text read by OCR: the recogniser's lowest character confidence (null: nothing read there). */
  confidence?: Array<number | null>;
  /** Per cell, for text read by OCR: its reading in the numeric alphabet, where that differs (null: none). */
  digits?: Array<string | null>;
  /** Per cell, for text read by OCR and corrected to the form's label or number: what the recogniser read (null: not corrected). */
  recognised?: Array<string | null>;
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

/** A line's runs (left to right) in pieces: a gap wider than `ems` × the font size starts the next. */
export function piecesOf(line: readonly TextRun[], ems: number): TextRun[][] {
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
export function freeRows(runs: readonly TextRun[]): LaidOutRow[] {
  return lines(runs).map((line) => {
    const cells = piecesOf(line, S.freeCellGapEms);
    return { top: Math.min(...line.map((r) => r.y0)), cells: cells.map(cellText), ruled: false, spans: cells.map(() => 'own' as const), ...confidences(cells) };
  });
}

/** Page furniture that is not content: "第 1 页，共 12 页", "- 3 -", "3/12". */
export const PAGE_NUMBER = /^(第\s*\d+\s*页\s*[,，]?\s*(共\s*\d+\s*页)?|共\s*\d+\s*页|[-—]?\s*\d+\s*[-—]?|\d+\s*\/\s*\d+|page\s*\d+(\s*of\s*\d+)?)$/i;

/** Short text with no sentence punctuation: a label such as 数量指标 or 年度绩效. */
export const LABEL_LIKE = (text: string) => text.length <= 10 && !/[。；，,;]/.test(text);

/**
 * Runs that spell "第 2 页，共 8 页" together — in pieces, as each change of font starts a run — are
 * page furniture, even where a table's rules run past them (Gnumeric draws merged columns down to
 * the footer) or a label shares their line.
 */
export function pageNumberRuns(runs: readonly TextRun[]): Set<TextRun> {
  const footer = new Set<TextRun>();
  const marks = runs.filter((r) => r.text.includes('页'));
  if (marks.length === 0) return footer;
  // Only the lines that hold a 页 need lining up.
  const mid = (r: TextRun) => (r.y0 + r.y1) / 2;
  const near = runs.filter((r) => marks.some((m) => Math.abs(mid(m) - mid(r)) <= Math.max(m.size, r.size) * S.lineOverlap));
  for (const line of lines(near)) {
    for (const piece of piecesOf(line, S.pageNumberGapEms)) {
      const text = piece.map((r) => r.text).join('').replace(/\s+/g, '');
      if (/^第\d+页/.test(text) && PAGE_NUMBER.test(text)) for (const run of piece) footer.add(run);
    }
  }
  return footer;
}

