import type { RowSense } from '../sense.js';
import { joinText, LABEL_LIKE, type LaidOutRow } from './cells.js';

/**
 * Tables that run over page breaks, stitched back together: a header row repeated atop the next
 * page goes, and so does whatever the break cut off a row — cells a producer left open, a row
 * LibreOffice Writer split and closed on both sides, a merged label printed on both pages.
 */

const squash = (cell: string) => cell.replace(/\s+/g, '');

/** Two printings of one label, one of them perhaps cut by the page edge: "效益指标 (40分)", "益指标 (40分)". */
function sameLabel(a: string, b: string): boolean {
  const x = squash(a);
  const y = squash(b);
  return x.length >= 2 && y.length >= 2 && (x.includes(y) || y.includes(x));
}

/** A label cut inside its brackets by the page break: "产出指标(50" then "分)". */
function cutInBrackets(before: string, text: string): boolean {
  const open = (before.match(/[(（]/g) ?? []).length - (before.match(/[)）]/g) ?? []).length;
  return open > 0 && /^[^(（]*[)）]/.test(text);
}

/**
 * What a table row is in its form: goals (the row under 预期目标 | 实际完成情况), a header naming
 * the columns of the funding or indicator table, data (a row of those tables) or other.
 */
type Section = 'goals' | 'header' | 'data' | 'other';

/** The previous page's last table row, as far as the next page needs it. */
interface PageEnd {
  cells: readonly string[];
  /** What the row is in its form. */
  section: Section;
  spans: LaidOutRow['spans'];
  bottom: LaidOutRow['bottom'];
}


/**
 * LibreOffice Writer closes each part of a row it splits over a page break with a rule, so the
 * break looks like a row boundary. The rest of a row has text only in the cells where the row
 * has text (or a merged cell runs on). In the funding and indicator tables it has none of the
 * row's numbers — amounts, 分值, 得分 stand on one line at the top of their cells, on the page
 * where the row begins — while a row of its own has them (其中… sub-rows aside); the row after
 * their header has numbers too. A goals row has no numbers: its rest is text where the goals
 * are, not the indicator header that follows.
 */
function restOfSplitRow(end: PageEnd, row: LaidOutRow, sense: RowSense): boolean {
  const last = end.cells;
  const first = row.cells;
  const isNumber = (c: string) => sense.isNumber(c);
  if (last.length !== first.length || first.every((c) => c === '') || first.some((c) => sense.isSubRow(c))) return false;
  if (!first.every((c, i) => c === '' || last[i] !== '' || end.spans[i] !== 'own')) return false;
  if (end.section === 'goals') return sense.opens(first) !== 'data';
  if (end.section === 'header') return !first.some(isNumber);
  return end.section === 'data' && last.some(isNumber) && last.every((c, i) => !isNumber(c) || first[i] === '') && !first.some(isNumber);
}

/**
 * A page's first table row against the previous page's last: cells the page break cut in two (a
 * tall row split, a label wrapped over the break) go on from the previous page's part, and a
 * merged cell running over the break keeps its label once, in its first row — LibreOffice prints
 * the label on both pages (sometimes cut by the page edge), or only on the page where its middle
 * falls. `split`: the row is the rest of a row split over the break, every cell goes on. Cells
 * taken are emptied here; true when nothing is left of the row.
 */
type Home = NonNullable<NonNullable<LaidOutRow['bottom']>[number]>;

function continueFrom(end: PageEnd, row: LaidOutRow, split: boolean, forwarded: Map<string[], Map<number, Home>>): boolean {
  const bottom = end.bottom;
  if (!bottom || bottom.length !== row.cells.length) return false;
  // Cells whose text lives on the previous page now: where this page's part of them points on.
  const forward = (i: number, target: Home) => {
    const map = forwarded.get(row.cells) ?? new Map<number, Home>();
    map.set(i, target);
    forwarded.set(row.cells, map);
  };
  row.cells.forEach((text, i) => {
    const target = bottom[i];
    if (!target) return;
    if (text === '') {
      if (row.openAbove?.[i]) forward(i, target); // the cell goes on, its text is above the break
      return;
    }
    const before = target.cells[target.index]!;
    const spansBreak = end.spans[i] !== 'own' || row.spans[i] === 'below';
    if (target.open && row.openAbove?.[i]) {
      // A label printed on both sides of the break (Gnumeric: a merged cell, drawn unclipped) is kept once, whole.
      if (LABEL_LIKE(text) && sameLabel(before, text)) target.cells[target.index] = text.length > before.length ? text : before;
      else if (before !== text) target.cells[target.index] = joinText(before, text);
    } else if (spansBreak && LABEL_LIKE(text) && before === '') {
      target.cells[target.index] = text;
    } else if (spansBreak && LABEL_LIKE(text) && sameLabel(before, text)) {
      // printed again: kept once
    } else if (split || (spansBreak && cutInBrackets(before, text))) {
      target.cells[target.index] = joinText(before, text);
    } else return;
    row.cells[i] = '';
    forward(i, target);
  });
  return row.cells.every((c) => c === '');
}

/**
 * A merged label printed again above the rest of its cell on the next page (Gnumeric centres it
 * on the whole cell, unclipped): free text that the label of a cell running over the break holds.
 */
function labelAgain(end: PageEnd, cells: readonly string[]): boolean {
  const text = cells.length === 1 ? cells[0]! : '';
  return LABEL_LIKE(text) && end.spans.some((span, i) => {
    const target = end.bottom?.[i];
    return span !== 'own' && target !== null && target !== undefined && sameLabel(target.cells[target.index]!, text);
  });
}

/**
 * Takes a document's laid-out rows page by page and says which are rows of their own. What the
 * rows are in their form (`sense`) is the caller's knowledge, not the stitcher's.
 */
export class TableStitcher {
  private page = 0;
  private firstOnPage = true;
  /** Rows without numbers since the form in progress began: what a producer repeats atop a page. */
  private printed = new Set<string>();
  private section: Section = 'other'; // of the next table row
  private last: PageEnd | null = null; // the last table row so far
  /**
   * A page's cells emptied because their text went on from the previous page: their merged cell's
   * text is there, so a label below the next break is measured against it, never against the
   * emptied copy (which would take the next cell's label as its own).
   */
  private readonly forwarded = new Map<string[], Map<number, Home>>();

  constructor(private readonly sense: RowSense) {}

  newPage(page: number): void {
    this.page = page;
    this.firstOnPage = true;
  }

  /**
   * False when the row is no row of its own: a repeated header, the rest of the previous page's
   * last row (taken into it), or a label printed again above the table it continues.
   */
  accept(row: LaidOutRow): boolean {
    const signature = row.cells.join('\t');
    if (!row.ruled && this.firstOnPage && this.last && labelAgain(this.last, row.cells)) return false;
    if (row.ruled && this.firstOnPage) {
      this.firstOnPage = false;
      // A header repeated atop the page: the same texts as a row of the table printed before the break.
      if (this.page > 1 && this.printed.has(signature)) return false;
      if (this.last && continueFrom(this.last, row, restOfSplitRow(this.last, row, this.sense), this.forwarded)) {
        this.last.bottom = row.bottom; // the whole row went on: it may go on again
        return false;
      }
    }
    if (this.sense.closes(row.cells)) this.printed.clear();
    else if (row.ruled && row.cells.filter((c) => c !== '').length >= 3 && !row.cells.some((c) => this.sense.isNumber(c))) this.printed.add(signature);
    if (row.ruled) {
      const opened = this.sense.opens(row.cells);
      const bottom = row.bottom?.map((home) => {
        const to = home && this.forwarded.get(home.cells)?.get(home.index);
        return to ? { ...to, open: home.open } : home;
      });
      this.last = { cells: row.cells, section: opened === null ? this.section : opened === 'data' ? 'header' : 'other', spans: row.spans, bottom };
      this.section = opened ?? (this.section === 'goals' ? 'other' : this.section); // one goals row
    }
    return true;
  }
}
