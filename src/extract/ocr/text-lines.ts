import type { PixelBox } from './raster.js';

/** Lengths in pixels, from OCR_SETTINGS and the scan's resolution. */
export interface LinePixels {
  minHeight: number;
  minDashWidth: number;
  maxHeight: number;
  pieceGapLines: number;
}

/** A line of text in a box: its rows, and its pieces left to right (columns, end exclusive). */
export interface TextLine {
  y0: number;
  y1: number;
  pieces: Array<{ x0: number; x1: number }>;
}

/**
 * The lines of text inside a box of the ink mask (a cell's inside, or the page around its
 * tables; ruling lines already cleared), top to bottom: a line is a band of rows with ink, cut
 * into pieces at wide gaps.
 */
export function textLines(mask: Uint8Array, width: number, box: PixelBox, px: LinePixels): TextLine[] {
  const x0 = Math.max(0, Math.round(box.x0));
  const x1 = Math.min(width, Math.round(box.x1));
  const y0 = Math.max(0, Math.round(box.y0));
  const y1 = Math.min(mask.length / width, Math.round(box.y1));
  const w = x1 - x0;
  const h = y1 - y0;
  if (w <= 0 || h <= 0) return [];
  const ink = (x: number, y: number) => mask[y * width + x] === 1;
  const counts = new Int32Array(h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (ink(x0 + x, y0 + y)) counts[y]!++;
  // Bands of rows with ink.
  const bands: Array<{ y0: number; y1: number }> = [];
  for (let y = 0; y < h; y++) {
    if (counts[y] === 0) continue;
    const from = y;
    while (y < h && counts[y]! > 0) y++;
    bands.push({ y0: from, y1: y });
  }
  // A band thinner than any line of text, near a line, is part of it: the top stroke of 元 or 二
  // stands apart from the rest of the character (and a speck by a line does no harm in it)…
  for (let i = 0; i + 1 < bands.length;) {
    const a = bands[i]!;
    const b = bands[i + 1]!;
    const thick = Math.max(a.y1 - a.y0, b.y1 - b.y0);
    const gap = b.y0 - a.y1;
    const thin = Math.min(a.y1 - a.y0, b.y1 - b.y0) < px.minHeight;
    // …and two such strokes close together are one sign (=).
    const joins = thin && (thick >= px.minHeight ? gap <= Math.max(2, 0.5 * thick) : gap <= Math.max(2, px.minHeight / 2));
    if (joins) bands.splice(i, 2, { y0: a.y0, y1: b.y1 });
    else i++;
  }
  const lines: TextLine[] = [];
  for (const band of bands) {
    const height = band.y1 - band.y0;
    if (height > px.maxHeight) continue;
    const columns = new Int32Array(w);
    for (let y = band.y0; y < band.y1; y++) for (let x = 0; x < w; x++) if (ink(x0 + x, y0 + y)) columns[x]!++;
    const pieces: TextLine['pieces'] = [];
    let start = -1;
    let lastInk = -1;
    const gap = Math.max(2, px.pieceGapLines * Math.max(height, px.minHeight * 2));
    for (let x = 0; x <= w; x++) {
      if (x < w && columns[x]! > 0) {
        if (start < 0) start = x;
        lastInk = x;
      } else if (start >= 0 && (x === w || x - lastInk > gap)) {
        pieces.push({ x0: x0 + start, x1: x0 + lastInk + 1 });
        start = -1;
      }
    }
    const wide = pieces.length > 0 && pieces[pieces.length - 1]!.x1 - pieces[0]!.x0 >= px.minDashWidth;
    if (height < px.minHeight && !wide) continue; // a dot of dirt, not a dash
    if (pieces.length > 0) lines.push({ y0: y0 + band.y0, y1: y0 + band.y1, pieces });
  }
  return lines;
}
