import type { PixelBox } from './raster.js';

/** Lengths in pixels, from OCR_SETTINGS and the scan's resolution. */
export interface LinePixels {
  minHeight: number;
  minDashWidth: number;
  maxHeight: number;
  pieceGapLines: number;
}

/** A piece of a line of text: its columns and rows (end exclusive), as tight as its ink. */
export interface TextPiece {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** A line of text in a box: the rows of its band, and its pieces left to right. */
export interface TextLine {
  y0: number;
  y1: number;
  pieces: TextPiece[];
}

/** Bands of rows with ink in a box's columns [x0, x1), rows [y0, y1): top to bottom, thin strokes joined to their line. */
function bands(mask: Uint8Array, width: number, box: TextPiece, px: LinePixels): Array<{ y0: number; y1: number }> {
  const out: Array<{ y0: number; y1: number }> = [];
  for (let y = box.y0; y < box.y1; y++) {
    if (!rowInked(mask, width, y, box.x0, box.x1)) continue;
    const from = y;
    while (y < box.y1 && rowInked(mask, width, y, box.x0, box.x1)) y++;
    out.push({ y0: from, y1: y });
  }
  // A band thinner than any line of text, near a line, is part of it: the top stroke of 元 or 二
  // stands apart from the rest of the character (and a speck by a line does no harm in it)…
  for (let i = 0; i + 1 < out.length;) {
    const a = out[i]!;
    const b = out[i + 1]!;
    const thick = Math.max(a.y1 - a.y0, b.y1 - b.y0);
    const gap = b.y0 - a.y1;
    const thin = Math.min(a.y1 - a.y0, b.y1 - b.y0) < px.minHeight;
    // …and two such strokes close together are one sign (=).
    const joins = thin && (thick >= px.minHeight ? gap <= Math.max(2, 0.5 * thick) : gap <= Math.max(2, px.minHeight / 2));
    if (joins) out.splice(i, 2, { y0: a.y0, y1: b.y1 });
    else i++;
  }
  return out;
}

function rowInked(mask: Uint8Array, width: number, y: number, x0: number, x1: number): boolean {
  for (let x = x0, i = y * width + x0; x < x1; x++, i++) if (mask[i] === 1) return true;
  return false;
}

/** A band cut into pieces at gaps wider than `gap` columns without ink. */
function piecesOf(mask: Uint8Array, width: number, x0: number, x1: number, y0: number, y1: number, gap: number): Array<{ x0: number; x1: number }> {
  const columns = new Int32Array(x1 - x0);
  for (let y = y0; y < y1; y++) for (let x = x0, i = y * width + x0; x < x1; x++, i++) if (mask[i] === 1) columns[x - x0]!++;
  const pieces: Array<{ x0: number; x1: number }> = [];
  let start = -1;
  let lastInk = -1;
  for (let x = 0; x <= columns.length; x++) {
    if (x < columns.length && columns[x]! > 0) {
      if (start < 0) start = x;
      lastInk = x;
    } else if (start >= 0 && (x === columns.length || x - lastInk > gap)) {
      pieces.push({ x0: x0 + start, x1: x0 + lastInk + 1 });
      start = -1;
    }
  }
  return pieces;
}

/**
 * The lines of text inside a box of the ink mask (a cell's inside, or the page around its
 * tables; ruling lines already cleared), top to bottom: a line is a band of rows with ink, cut
 * into pieces at wide gaps; each piece's rows are those its own columns ink, so that a speck or
 * a taller piece elsewhere on the band (free text runs the page's width) does not stretch it.
 */
export function textLines(mask: Uint8Array, width: number, box: PixelBox, px: LinePixels): TextLine[] {
  const area: TextPiece = {
    x0: Math.max(0, Math.round(box.x0)), x1: Math.min(width, Math.round(box.x1)),
    y0: Math.max(0, Math.round(box.y0)), y1: Math.min(mask.length / width, Math.round(box.y1)),
  };
  if (area.x1 <= area.x0 || area.y1 <= area.y0) return [];
  const lines: TextLine[] = [];
  for (const band of bands(mask, width, area, px)) {
    const height = band.y1 - band.y0;
    if (height > px.maxHeight) continue;
    const gap = Math.max(2, px.pieceGapLines * Math.max(height, px.minHeight * 2));
    const spans = piecesOf(mask, width, area.x0, area.x1, band.y0, band.y1, gap);
    const wide = spans.length > 0 && spans[spans.length - 1]!.x1 - spans[0]!.x0 >= px.minDashWidth;
    if (height < px.minHeight && !wide) continue; // a dot of dirt, not a dash
    const pieces = spans.map((s) => {
      if (spans.length === 1) return { ...s, ...band };
      const all = bands(mask, width, { ...s, ...band }, px);
      const text = all.filter((b) => b.y1 - b.y0 >= px.minHeight);
      const own = text.length > 0 ? text : all;
      return { ...s, y0: own[0]!.y0, y1: own[own.length - 1]!.y1 };
    });
    if (pieces.length > 0) lines.push({ y0: band.y0, y1: band.y1, pieces });
  }
  return lines;
}

/** A piece this many typical line heights tall or more may hold several lines whose ink touches (tight leading)… */
const TALL_PIECE = 1.6;
/** …cut where a row has at most this share of the piece's most inked row: between lines (a line of text inks its middle rows heavily). */
const VALLEY = 0.2;

/**
 * A piece of several lines of text with no paper row between them (tight leading, a descender
 * touching the next line) cut into its lines, at the rows with least ink near where each line
 * of `lineHeight` should end — where those rows are nearly paper; a piece of one line (however
 * tall its font) comes back as it is.
 */
export function splitLines(mask: Uint8Array, width: number, piece: TextPiece, lineHeight: number): TextPiece[] {
  const height = piece.y1 - piece.y0;
  if (lineHeight <= 0 || height < TALL_PIECE * lineHeight) return [piece];
  const n = Math.max(2, Math.round(height / lineHeight));
  const counts = new Int32Array(height);
  for (let y = piece.y0; y < piece.y1; y++) for (let x = piece.x0, i = y * width + x; x < piece.x1; x++, i++) counts[y - piece.y0]! += mask[i]!;
  const most = Math.max(...counts);
  const cuts: number[] = [];
  for (let k = 1; k < n; k++) {
    const at = Math.round((k * height) / n);
    const reach = Math.max(1, Math.round(lineHeight / 3));
    let best = at;
    for (let y = Math.max(1, at - reach); y <= Math.min(height - 2, at + reach); y++) if (counts[y]! < counts[best]!) best = y;
    if (counts[best]! <= VALLEY * most) cuts.push(best);
  }
  const edges = [0, ...cuts, height];
  return edges.slice(1).map((to, k) => ({ ...piece, y0: piece.y0 + edges[k]!, y1: piece.y0 + to }));
}
