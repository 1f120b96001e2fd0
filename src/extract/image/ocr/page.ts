import type { Box, Rule, TextRun } from '../../pdf/geometry.js';
import { findTables } from '../../pdf/lattice.js';
import { skewAngle } from './deskew.js';
import type { Turn } from '../../pdf/turn.js';
import { halfTurn, orientationSample, standsSideways, sureness, SURELY_UPRIGHT, UPSIDE_DOWN_MARGIN, upsideDown } from './orientation.js';
import { crop, inkMask, inkThresholds, quarterTurn, rotate, type Gray, type PixelBox } from './raster.js';
import { recogniseAll, type Recognised } from './recognizer.js';
import { findRules } from './ruling.js';
import { OCR_SETTINGS as S } from './settings.js';
import { removeSpeckle } from './specks.js';
import { firstGlyph, signShape } from './signs.js';
import { splitLines, textLines, type LinePixels, type TextPiece } from './text-lines.js';

/** What OCR read off one page image, in the page's points (top-left origin), as the PDF reader gives them. */
export interface ScannedPage {
  rules: Rule[];
  runs: TextRun[];
  /** How far the page was stored turned clockwise (a scan sideways or upside down); its rules and runs stand on the page turned back. */
  turned: Turn;
  /** The page as read: `box`, its width and height swapped when it was turned a quarter. */
  box: Box;
}

/** Scans finer than this are halved (or more) before reading: the recogniser sees 48-pixel lines anyway. */
const MAX_DPI = 220;

/** A reading without letters or digits (marks alone) below this confidence is dirt. */
const DIRT_CONFIDENCE = 0.5;
/** The confidence a doubtful reading gets at most (below UNCERTAIN_OCR_CONFIDENCE: the record says so). */
const DOUBTFUL = 0.5;
const STROKES = /^[一\-－—–_~～]{1,3}$/;
const LOOKS_NUMERIC = /^[-+]?[\doOilI]*[\d.,%]*[\doOilI][\d.,%]*$/;

/**
 * Glyphs the recogniser cannot tell apart in a cell alone, read by their shape and company: a
 * lone flat stroke as long as a dash is one (— 一 - are one shape), o/O among digits — or alone —
 * is 0, and i/l/I among digits is 1. A lone Latin letter is doubtful however sure the recogniser
 * is: no form prints one, and it is how the recogniser reads a sign it does not know alone (⩾ as V).
 */
function glyphAliases(text: string, inkWidth: number, inkHeight: number, dashWidth: number): { text: string; sure: boolean; doubtful?: boolean } {
  const t = text.trim();
  if (STROKES.test(t) && inkHeight <= inkWidth * 0.3 && inkWidth >= dashWidth) return { text: '—', sure: true };
  if (/[oO]/.test(t) && LOOKS_NUMERIC.test(t) && (/\d/.test(t) || t.length === 1)) return { text: t.replace(/[oO]/g, '0').replace(/[ilI]/g, '1'), sure: false };
  if (/[ilI]/.test(t) && LOOKS_NUMERIC.test(t) && /\d/.test(t)) return { text: t.replace(/[ilI]/g, '1'), sure: false };
  return { text, sure: false, ...(/^[A-Za-z]$/.test(t) ? { doubtful: true } : {}) };
}

/**
 * The page's usual height of a line of text: a high percentile of its pieces' heights, as digits
 * (most cells of a form) stand shorter than Chinese characters and few pieces hold two lines.
 */
const LINE_HEIGHT_PERCENTILE = 0.8;

/** The value a share `q` of the values lie at or below (0 for none). */
function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

/**
 * A crop as the recogniser is given it: rows outside `own` (when set) painted paper, and
 * `after` columns of paper added after the ink — a wrapped line often ends in a full-width
 * comma, which is not read at the crop's very edge (and the cell's own pixels there may hold
 * what is left of a rule).
 */
function onPaper(image: Gray, after: number, own: { y0: number; y1: number } | null): Gray {
  if (after <= 0 && own === null) return image;
  let paper = 0;
  for (let i = 0; i < image.data.length; i++) paper = Math.max(paper, image.data[i]!);
  const width = image.width + Math.max(0, after);
  const data = new Uint8Array(width * image.height).fill(paper);
  const [from, to] = own === null ? [0, image.height] : [Math.max(0, own.y0), Math.min(image.height, own.y1)];
  for (let y = from; y < to; y++) data.set(image.data.subarray(y * image.width, (y + 1) * image.width), y * width);
  return { width, height: image.height, data };
}

/**
 * A reading that may be a comparison sign the recogniser does not know — a lone letter or sign
 * (⩾ read V), a letter or a dash before a number (≥90% read M90%, ═100% read -100%), or a number
 * whose first glyph the recogniser passed over (≥90% read 90%) — as the sign its ink draws; null when it is none
 * (see signShape). `at` is where the crop starts on the page, for the characters' places.
 */
function signRead(seen: Recognised, at: number, mask: Uint8Array, width: number, piece: TextPiece): string | null {
  const t = seen.text.trim();
  if (/^[A-Za-z<>=＜＞＝≥≤]$/.test(t)) {
    const sign = signShape(mask, width, piece);
    return sign !== null && sign !== t ? sign : null;
  }
  const glyph = firstGlyph(mask, width, piece);
  if (/^[A-Za-z](?=[\d.])/.test(t)) {
    const sign = signShape(mask, width, glyph);
    return sign === null ? null : `${sign}${t.slice(1)}`;
  }
  // Two bars read as one (═100% as -100%): a minus sign has one.
  if (/^[-—一－](?=\d)/.test(t)) return signShape(mask, width, glyph) === '=' ? `=${t.slice(1)}` : null;
  if (/^\d/.test(t) && at + seen.centres[0]! > glyph.x1 + 1) {
    const sign = signShape(mask, width, glyph);
    return sign === null ? null : `${sign}${t}`;
  }
  return null;
}

/** Box-filter downscale by an integer factor. */
function shrink(image: Gray, factor: number): Gray {
  if (factor <= 1) return image;
  const width = Math.floor(image.width / factor);
  const height = Math.floor(image.height / factor);
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) for (let dx = 0; dx < factor; dx++) sum += image.data[(y * factor + dy) * image.width + x * factor + dx]!;
      data[y * width + x] = Math.round(sum / (factor * factor));
    }
  }
  return { width, height, data };
}

/**
 * A page image → its ruling lines and its text, placed on the page's `box` (points). The scan is
 * levelled (deskew), speckle is cleared, ruling lines are found in the raster and turned into the
 * same table grid as a PDF's drawn rules (lattice); then each cell's inside is read line by line
 * — the grid decides the cells, never a text detector that would run neighbouring cells into one
 * line — and so is the free text around the tables (titles, units). Each run keeps the
 * recogniser's lowest character confidence.
 */
export async function readScannedPage(source: Gray, box: Box): Promise<ScannedPage> {
  const dpi = (source.width / (box.x1 - box.x0)) * 72;
  const image = shrink(source, dpi > MAX_DPI ? Math.round(dpi / 150) : 1);
  // The ink's profiles say which way the page most likely stands; read that way first.
  const sideways = standsSideways(inkMask(image, inkThresholds(image).text), image.width, image.height);
  const first = await readTurned(image, box, sideways);
  if (first.sure) return first.page;
  // Not read surely: the profiles may have been wrong (a form with many columns): the other quarter
  // too, kept only where it reads surely.
  const other = await readTurned(image, box, !sideways);
  return other.sure && other.confidence > first.confidence + UPSIDE_DOWN_MARGIN ? other.page : first.page;
}

/**
 * The page read turned a quarter clockwise (`quarter`) or not, and a half more where it reads
 * better upside down; how surely the recogniser read its longest lines.
 */
async function readTurned(image: Gray, box: Box, quarter: boolean): Promise<{ page: ScannedPage; sure: boolean; confidence: number }> {
  let turned: Turn = quarter ? 270 : 0; // turned a quarter clockwise to be read: it stood a quarter the other way
  const page: Box = quarter ? { x0: box.x0, y0: box.y0, x1: box.x0 + (box.y1 - box.y0), y1: box.y0 + (box.x1 - box.x0) } : box;
  const upright = quarter ? quarterTurn(image, 90) : image;
  let read = await readUpright(upright, page, true);
  if (read === 'upside down') {
    turned = quarter ? 90 : 180;
    read = await readUpright(halfTurn(upright), page, false);
  }
  const { confidence, ...scan } = read as Exclude<typeof read, 'upside down'>;
  return { page: { ...scan, turned, box: page }, sure: confidence >= SURELY_UPRIGHT, confidence };
}

/**
 * A page image standing upright (but perhaps upside down: then, when `check`, that is all it says)
 * read as `readScannedPage` does, with how surely its longest lines were read (see `sureness`).
 */
async function readUpright(source: Gray, box: Box, check: boolean): Promise<(Omit<ScannedPage, 'turned' | 'box'> & { confidence: number }) | 'upside down'> {
  let image = source;
  let thresholds = inkThresholds(image);
  let mask = inkMask(image, thresholds.text);
  const skew = skewAngle(image, mask);
  if (Math.abs(skew) >= S.skewFineStep) {
    image = rotate(image, skew);
    thresholds = inkThresholds(image);
    mask = inkMask(image, thresholds.text);
  } else {
    image = { ...image, data: new Uint8Array(image.data) }; // speckle is painted out of this copy
  }
  const pxPerPt = image.width / (box.x1 - box.x0);
  const px = (pt: number) => pt * pxPerPt;
  const { width } = image;
  const found = findRules(inkMask(image, thresholds.rules), width, image.height, {
    minHorizontal: px(S.minHorizontalRule), minVerticalBetween: px(S.minVerticalRuleBetween), minVertical: px(S.minVerticalRule),
    gap: Math.max(1, Math.round(px(S.ruleGap))), maxThickness: Math.max(2, px(S.maxRuleThickness)), meet: Math.max(2, px(S.ruleMeet)), solid: S.ruleSolid, beside: S.ruleBeside,
  }, [mask]);
  // After the rules are gone: dirt that sat by a rule is on its own now.
  removeSpeckle(image, mask, Math.max(1, Math.round(px(S.maxSpeckSize))), Math.max(1, Math.round(px(S.speckIsolation))));
  const toPt = (x: number, y: number) => [box.x0 + x / pxPerPt, box.y0 + y / pxPerPt] as const;
  const rules = found.map((r) => {
    const [x0, y0] = toPt(r.x0, r.y0);
    const [x1, y1] = toPt(r.x1, r.y1);
    return { x0, y0, x1, y1, horizontal: r.horizontal };
  });
  const linePx: LinePixels = {
    minHeight: px(S.minTextHeight), minDashWidth: px(S.minDashWidth),
    maxHeight: px(S.maxTextHeight), pieceGapLines: S.pieceGapLines,
  };
  const tables = findTables(rules);
  // A box on the page (points) → pixels, grown by `by` pixels on every side (shrunk when negative).
  const toPx = (b: Box, by: number): PixelBox => ({
    x0: (b.x0 - box.x0) * pxPerPt - by, y0: (b.y0 - box.y0) * pxPerPt - by, x1: (b.x1 - box.x0) * pxPerPt + by, y1: (b.y1 - box.y0) * pxPerPt + by,
  });
  const inset = 1;
  // Every piece of text to read, in reading order: each cell's inside, then the free text — the
  // page with its tables blanked out. The grid decides the cells.
  // `wraps`: a piece of a cell's line that its text goes on below (a wrapped line).
  const pieces: Array<{ piece: TextPiece; area: PixelBox; ink: Uint8Array; wraps: boolean }> = [];
  const collect = (ink: Uint8Array, area: PixelBox, cell: boolean) => {
    const lines = textLines(ink, width, area, linePx);
    lines.forEach((line, k) => line.pieces.forEach((piece) => pieces.push({ piece, area, ink, wraps: cell && k + 1 < lines.length })));
  };
  for (const table of tables) {
    for (const region of table.regions) {
      const cell = { x0: table.xs[region.c0]!, y0: table.ys[region.r0]!, x1: table.xs[region.c1 + 1]!, y1: table.ys[region.r1 + 1]! };
      collect(mask, toPx(cell, -inset), true);
    }
  }
  const free = new Uint8Array(mask);
  for (const t of tables) {
    const area = toPx(t, inset);
    const [x0, x1] = [Math.max(0, Math.floor(area.x0)), Math.min(width, Math.ceil(area.x1))];
    for (let y = Math.max(0, Math.floor(area.y0)); y < Math.min(image.height, Math.ceil(area.y1)); y++) free.fill(0, y * width + x0, y * width + x1);
  }
  collect(free, { x0: 0, y0: 0, x1: width, y1: image.height }, false);
  // Lines whose ink touches (tight leading) come as one piece: cut at the page's usual line height.
  const lineHeight = percentile(pieces.map(({ piece }) => piece.y1 - piece.y0).filter((h) => h >= linePx.minHeight), LINE_HEIGHT_PERCENTILE);
  // Each piece (each line of it) cut out as the recogniser is given it; then all read at once.
  const crops: Array<{ piece: TextPiece; ink: Uint8Array; cut: PixelBox; pixels: Gray }> = [];
  for (const { piece: whole, area, ink, wraps } of pieces) {
    const parts = splitLines(ink, width, whole, lineHeight);
    for (const [k, piece] of parts.entries()) {
      const height = piece.y1 - piece.y0;
      // Smaller than any character every way: a speck by others, not text.
      if (piece.x1 - piece.x0 < linePx.minHeight && height < linePx.minHeight) continue;
      const across = Math.max(2, Math.round(height * S.cropPadSide));
      const pad = Math.max(2, Math.round(height * S.cropPadLines));
      const cut: PixelBox = {
        x0: Math.max(area.x0, piece.x0 - across), x1: Math.min(area.x1, piece.x1 + across),
        y0: Math.max(area.y0, piece.y0 - pad), y1: Math.min(area.y1, piece.y1 + pad),
      };
      const wrapped = wraps || k + 1 < parts.length;
      // A line cut from touching lines keeps to its own rows: the others' ink is painted out.
      const own = parts.length > 1 ? { y0: piece.y0 - Math.floor(cut.y0), y1: piece.y1 - Math.floor(cut.y0) } : null;
      const pixels = onPaper(crop(image, cut), wrapped ? Math.round(height * S.paperAfter) : 0, own);
      if (pixels.width >= 2 && pixels.height >= 2) crops.push({ piece, ink, cut, pixels });
    }
  }
  const readings = await recogniseAll(crops.map((c) => c.pixels));
  const sample = orientationSample(crops.map((c) => c.pixels));
  const asIs = sample.map((i) => readings[i]!);
  const confidence = sureness(asIs);
  if (check) {
    // Read upright with confidence: no need to read it turned round. Else the sample is read both ways.
    if (confidence < SURELY_UPRIGHT && upsideDown(asIs, await recogniseAll(sample.map((i) => halfTurn(crops[i]!.pixels))))) return 'upside down';
  }
  const runs: TextRun[] = [];
  crops.forEach(({ piece, ink, cut }, i) => {
    const seen = readings[i]!;
    const height = piece.y1 - piece.y0;
    // Marks alone that the recogniser is unsure of are dirt read as + or ·, not text; so is a
    // lone Latin letter it is unsure of (a speck read as T), as no form prints one.
    const unsure = Math.min(...seen.confidences) < DIRT_CONFIDENCE;
    const t = seen.text.trim();
    if (t === '' || (unsure && ((!/[\p{L}\p{N}]/u.test(t) && !STROKES.test(t)) || /^[A-Za-z]$/.test(t)))) return;
    // A piece thinner than any line of text was read for a dash: anything else in it (a rule's
    // remnant read as 1, which would make 0.00 into 0.001) is dirt.
    if (height < linePx.minHeight && !STROKES.test(t)) return;
    const sign = signRead(seen, Math.floor(cut.x0), ink, width, piece);
    const alias = sign === null ? glyphAliases(seen.text, piece.x1 - piece.x0, height, linePx.minDashWidth) : { text: sign, sure: false, doubtful: true };
    // A text layer's run box is the font's em box, a little taller than the ink: so is this one.
    const em = height * S.emOverInk;
    const [x0, y0] = toPt(piece.x0, piece.y0 - em);
    const [x1, y1] = toPt(piece.x1, piece.y1 + em);
    runs.push({
      text: alias.text, x0, y0, x1, y1, size: Math.max(1, y1 - y0),
      ...(alias.text === seen.text ? { centres: seen.centres.map((c) => toPt(Math.floor(cut.x0) + c, 0)[0]) } : {}),
      ...(alias.text === seen.text && seen.digits ? { digits: seen.digits.text } : {}),
      ...(sign !== null ? { recognised: seen.text } : {}),
      confidence: alias.sure ? 1 : Math.min(alias.doubtful ? DOUBTFUL : 1, ...seen.confidences),
    });
  });
  return { rules, runs, confidence };
}
