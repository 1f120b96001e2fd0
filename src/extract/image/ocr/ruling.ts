import type { Rule } from '../../pdf/geometry.js';

/** Lengths in pixels, from OCR_SETTINGS and the scan's resolution. */
export interface RulingPixels {
  minHorizontal: number;
  minVerticalBetween: number;
  minVertical: number;
  gap: number;
  maxThickness: number;
  meet: number;
  /** Shares: of a rule's length its most solid line must ink; of it, at most this may have ink just beside it. */
  solid: number;
  beside: number;
}

interface Run { from: number; to: number; at: number }

/**
 * Long runs of ink along one axis of the mask: along rows (horizontal) or columns. Each line of
 * the scan is looked at together with its two neighbours (a line slanted by a fraction of a
 * degree steps from one pixel row to the next), and breaks up to `gap` are bridged.
 */
function longRuns(mask: Uint8Array, width: number, height: number, horizontal: boolean, minLength: number, gap: number): Run[] {
  const lines = horizontal ? height : width;
  const along = horizontal ? width : height;
  const at = (line: number, k: number) => (horizontal ? mask[line * width + k]! : mask[k * width + line]!);
  const runs: Run[] = [];
  for (let line = 0; line < lines; line++) {
    let start = -1;
    let lastInk = -1;
    for (let k = 0; k <= along; k++) {
      const ink = k < along && (at(line, k) || (line > 0 && at(line - 1, k)) || (line + 1 < lines && at(line + 1, k)));
      if (ink) {
        if (start < 0) start = k;
        lastInk = k;
      } else if (start >= 0 && k - lastInk > gap) {
        if (lastInk - start + 1 >= minLength) runs.push({ from: start, to: lastInk + 1, at: line });
        start = -1;
      }
    }
  }
  return runs;
}

/** Share of the longer of two runs on neighbouring lines the other must cover for both to be one line. */
const SAME_LINE = 0.7;

/** Runs on neighbouring lines that cover each other are one ruling line, drawn a few pixels thick. */
interface Group { from: number; to: number; first: number; last: number }

function group(runs: Run[], gap: number): Group[] {
  const open: Group[] = [];
  const done: typeof open = [];
  for (const run of runs) { // by line, ascending
    let joined = false;
    for (let i = open.length - 1; i >= 0; i--) {
      const g = open[i]!;
      if (g.last < run.at - 1) {
        done.push(g);
        open.splice(i, 1);
        continue;
      }
      // Runs of one line have nearly its extent; a text stroke beside a rule overlaps only a little of it.
      const overlap = Math.min(run.to, g.to) - Math.max(run.from, g.from);
      if (!joined && overlap >= SAME_LINE * Math.max(run.to - run.from, g.to - g.from) - gap) {
        g.from = Math.min(g.from, run.from);
        g.to = Math.max(g.to, run.to);
        g.last = run.at;
        joined = true;
      }
    }
    if (!joined) open.push({ from: run.from, to: run.to, first: run.at, last: run.at });
  }
  return [...done, ...open];
}

/**
 * The ruling lines of a deskewed page's ink mask, in pixels: long horizontal runs; vertical runs
 * long on their own, or shorter ones reaching from one horizontal rule to another (a divider of
 * a single row). Bands thicker than a rule (filled areas, stamps) are none. The rules' pixels are
 * cleared from the mask and from `alsoClear` (the text's mask), which leaves the text (and
 * whatever touches a rule goes with it).
 */
export function findRules(mask: Uint8Array, width: number, height: number, px: RulingPixels, alsoClear: Uint8Array[] = []): Rule[] {
  const rules: Rule[] = [];
  const drawn: Array<{ horizontal: boolean; from: number; to: number; first: number; last: number }> = [];
  // A 3-line window widens every line by one pixel on each side: the centre stays where it was.
  const centre = (g: { first: number; last: number }) => (g.first + g.last) / 2;
  const at = (horizontal: boolean, line: number, k: number) => (horizontal ? mask[line * width + k]! : mask[k * width + line]!);
  const lines = (horizontal: boolean) => (horizontal ? height : width);
  // A rule is one solid line with paper on both sides; runs through a line of text (strokes of
  // neighbouring characters bridged) have ink beside them along much of their length.
  const isRule = (horizontal: boolean, g: Group, from = g.from, to = g.to) => {
    if (g.last - g.first + 1 - 2 > px.maxThickness) return false;
    let solid = 0;
    for (let line = g.first; line <= Math.max(g.first, g.last - 1); line++) { // two lines at a time: a line blurred over two pixels
      const next = Math.min(line + 1, g.last);
      let n = 0;
      for (let k = from; k < to; k++) n += at(horizontal, line, k) | at(horizontal, next, k);
      solid = Math.max(solid, n / (to - from));
    }
    if (solid < px.solid) return false;
    let beside = 0;
    for (let k = from; k < to; k++) {
      const above = g.first - 2 >= 0 && at(horizontal, g.first - 2, k) === 1;
      const below = g.last + 2 < lines(horizontal) && at(horizontal, g.last + 2, k) === 1;
      if (above || below) beside++;
    }
    return beside / (to - from) <= px.beside;
  };
  for (const g of group(longRuns(mask, width, height, true, px.minHorizontal, px.gap), px.gap)) {
    if (!isRule(true, g)) continue;
    rules.push({ x0: g.from, x1: g.to, y0: centre(g), y1: centre(g), horizontal: true });
    drawn.push({ horizontal: true, ...g });
  }
  const horizontals = [...rules];
  const meets = (x: number, y: number) => horizontals.some((h) => Math.abs(h.y0 - y) <= px.meet && x >= h.x0 - px.meet && x <= h.x1 + px.meet);
  for (const g of group(longRuns(mask, width, height, false, px.minVerticalBetween, px.gap), px.gap)) {
    const x = centre(g);
    // A vertical run bridged across a horizontal rule into the next row, through a character's
    // upright stroke that stands in line with it, is no divider of that row: where the run's end
    // beyond its last (or first) crossing is not solid on its own, the rule ends at the crossing.
    const crossings = horizontals.filter((h) => h.y0 > g.from && h.y0 < g.to && x >= h.x0 - px.meet && x <= h.x1 + px.meet).map((h) => Math.round(h.y0));
    let [from, to] = [g.from, g.to];
    while (crossings.length > 0 && crossings[0]! - from >= px.minVerticalBetween && !isRule(false, g, from, crossings[0]!)) from = crossings.shift()!;
    while (crossings.length > 0 && to - crossings[crossings.length - 1]! >= px.minVerticalBetween && !isRule(false, g, crossings[crossings.length - 1]!, to)) to = crossings.pop()!;
    if (!isRule(false, g, from, to)) continue;
    const long = to - from >= px.minVertical;
    if (!long && !(meets(x, from) && meets(x, to))) continue;
    rules.push({ x0: x, x1: x, y0: from, y1: to, horizontal: false });
    drawn.push({ horizontal: false, ...g, from, to });
  }
  for (const d of drawn) {
    for (let line = d.first; line <= d.last; line++) {
      for (let k = d.from; k < d.to; k++) {
        const i = d.horizontal ? line * width + k : k * width + line;
        mask[i] = 0;
        for (const other of alsoClear) other[i] = 0;
      }
    }
  }
  return rules;
}
