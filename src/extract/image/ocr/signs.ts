import type { TextPiece } from './text-lines.js';

/**
 * Comparison signs read by their shape. Printed alone in a 指标性质 cell, or before a number in
 * fonts that draw ≥ slanted (⩾), they are what the recogniser knows worst: it reads V, W or M,
 * or nothing. A sign's ink says which it is: two bars are =; a chevron pointing right is > — with
 * a bar beneath it, which puts its point above the glyph's middle, ≥ — and one pointing left < or ≤.
 */
export type Sign = '≥' | '≤' | '>' | '<' | '=';

/** The share of a bar's row its ink must cover. */
const BAR = 0.7;
/** A chevron's rows near the top this far off centre, as a share of its width, say which way it points. */
const POINTING = 0.15;
/** A chevron whose point stands above this share of its height has a bar beneath it (≥, ≤). */
const WITH_BAR = 0.44;
/** …and between that and this, none (>, <). */
const WITHOUT_BAR = 0.58;

/** The ink of one glyph: per row of its box, the leftmost and rightmost inked column and the count (−1 for none). */
interface Glyph {
  x0: number;
  width: number;
  left: number[];
  right: number[];
  count: number[];
}

/** A band of rows with ink this small, apart from the rest, is a speck above or below the glyph. */
const SPECK_INK = 4;

function glyphIn(mask: Uint8Array, width: number, box: TextPiece): Glyph | null {
  // The rows with ink, in bands; specks on rows of their own are left out.
  const inkOf = (y: number) => {
    let n = 0;
    for (let x = box.x0; x < box.x1; x++) n += mask[y * width + x]!;
    return n;
  };
  const keep: number[] = [];
  for (let y = box.y0; y < box.y1;) {
    if (inkOf(y) === 0) {
      y++;
      continue;
    }
    const band: number[] = [];
    let total = 0;
    while (y < box.y1 && inkOf(y) > 0) {
      total += inkOf(y);
      band.push(y++);
    }
    if (total > SPECK_INK) keep.push(...band);
  }
  if (keep.length === 0) return null;
  const [y0, y1] = [keep[0]!, keep[keep.length - 1]! + 1];
  let x0 = box.x1;
  let x1 = box.x0;
  for (const y of keep) {
    for (let x = box.x0; x < box.x1; x++) {
      if (mask[y * width + x] !== 1) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x + 1);
    }
  }
  if (y1 - y0 < 3 || x1 - x0 < 3) return null;
  const glyph: Glyph = { x0, width: x1 - x0, left: [], right: [], count: [] };
  for (let y = y0; y < y1; y++) {
    let left = -1;
    let right = -1;
    let count = 0;
    for (let x = x0; x < x1; x++) {
      if (mask[y * width + x] !== 1) continue;
      if (left < 0) left = x - x0;
      right = x - x0;
      count++;
    }
    glyph.left.push(left);
    glyph.right.push(right);
    glyph.count.push(count);
  }
  return glyph;
}

/** Ink a glyph needs at least (pixels): less is a speck before it. */
const MIN_GLYPH_INK = 6;

/** The first glyph of a piece: its first run of inked columns holding more than a speck. */
export function firstGlyph(mask: Uint8Array, width: number, piece: TextPiece): TextPiece {
  const ink = (c: number) => {
    let n = 0;
    for (let y = piece.y0; y < piece.y1; y++) n += mask[y * width + c]!;
    return n;
  };
  let x = piece.x0;
  for (;;) {
    while (x < piece.x1 && ink(x) === 0) x++;
    const from = x;
    let total = 0;
    while (x < piece.x1 && ink(x) > 0) total += ink(x++);
    if (total >= MIN_GLYPH_INK || x >= piece.x1) return { ...piece, x0: from, x1: x };
  }
}

/** The comparison sign a glyph's ink draws, or null when it draws none of them. */
export function signShape(mask: Uint8Array, width: number, box: TextPiece): Sign | null {
  const glyph = glyphIn(mask, width, box);
  if (glyph === null) return null;
  const rows = glyph.count.length;
  // Two bars one above the other, each across the glyph: =.
  const bands: Array<{ from: number; to: number }> = [];
  glyph.count.forEach((n, y) => {
    if (n === 0) return;
    const last = bands[bands.length - 1];
    if (last && last.to === y) last.to = y + 1;
    else bands.push({ from: y, to: y + 1 });
  });
  const isBar = (b: { from: number; to: number }) => {
    let wide = 0;
    for (let y = b.from; y < b.to; y++) if (glyph.right[y]! - glyph.left[y]! + 1 >= BAR * glyph.width) wide++;
    return wide > 0 && b.to - b.from <= Math.max(2, rows / 3);
  };
  if (bands.length === 2 && bands.every(isBar)) return '=';
  // A chevron: where its top rows stand says which way it points; where its point stands, whether a bar is under it.
  const top = Math.max(1, Math.round(rows * 0.15));
  let centre = 0;
  let counted = 0;
  for (let y = 0; y < top; y++) {
    if (glyph.count[y] === 0) continue;
    centre += (glyph.left[y]! + glyph.right[y]!) / 2;
    counted++;
  }
  if (counted === 0) return null;
  const offset = centre / counted / glyph.width - 0.5;
  if (Math.abs(offset) < POINTING) return null;
  const right = offset < 0; // the top arm stands left: the point is on the right (>)
  // The point: the topmost rows reaching (nearly) as far as the glyph does that way — a slanted
  // bar under the chevron (⩾) may reach as far, further down.
  const reach = (y: number) => (glyph.count[y] === 0 ? -1 : right ? glyph.right[y]! : glyph.width - 1 - glyph.left[y]!);
  let farthest = -1;
  for (let y = 0; y < rows; y++) farthest = Math.max(farthest, reach(y));
  const near = farthest - Math.max(1, Math.round(glyph.width * 0.15));
  let point = 0;
  while (point < rows && reach(point) < near) point++;
  let last = point;
  while (last + 1 < rows && reach(last + 1) >= near) last++;
  const at = (point + last) / 2 / (rows - 1);
  if (at < WITH_BAR) return right ? '≥' : '≤';
  if (at <= WITHOUT_BAR) return right ? '>' : '<';
  return null;
}
