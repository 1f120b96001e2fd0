import { quarterTurn, type Gray } from './raster.js';

/**
 * Scans that stand sideways or upside down (a form scanned turned, a page stored with /Rotate):
 * which way a page image must be turned to be read. Sideways is told by its lines — a form's
 * ruling lines and lines of text run across the page, so ink falls into few rows, not into few
 * columns; upside down by what the recogniser reads (see `upsideDown`).
 */

/** Ink must fall this much more into few columns than into few rows for the page to stand sideways. */
const SIDEWAYS_RATIO = 1.25;

/**
 * Whether the page's lines run down the image rather than across it: the projection profiles
 * of its ink — the sum of squared counts per row against per column (squares reward ink that
 * lines up: a rule, a line of text).
 */
export function standsSideways(mask: Uint8Array, width: number, height: number): boolean {
  const rows = new Float64Array(height);
  const columns = new Float64Array(width);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      if (mask[i] === 0) continue;
      rows[y]!++;
      columns[x]!++;
    }
  }
  let across = 0;
  let down = 0;
  for (const r of rows) across += r * r;
  for (const c of columns) down += c * c;
  return down > across * SIDEWAYS_RATIO;
}

/** Crops read both ways up to tell an upside-down page: at most this many, the page's longest lines. */
export const UPSIDE_DOWN_SAMPLE = 8;
/** Read turned round, the sample's mean confidence must be this much higher for the page to be upside down. */
export const UPSIDE_DOWN_MARGIN = 0.1;

/** The crops to read both ways up: the longest lines (most characters to judge by), in reading order of size. */
export function orientationSample(crops: readonly Gray[]): number[] {
  return crops.map((c, i) => ({ i, w: c.width / Math.max(1, c.height) }))
    .filter((c) => c.w >= 2)
    .sort((a, b) => b.w - a.w)
    .slice(0, UPSIDE_DOWN_SAMPLE)
    .map((c) => c.i);
}

type Readings = ReadonlyArray<{ confidences: readonly number[] }>;

/** Each reading's mean character confidence (0 for one with no characters). */
const readingMeans = (readings: Readings) => readings.map((r) => (r.confidences.length === 0 ? 0 : r.confidences.reduce((a, b) => a + b, 0) / r.confidences.length));

const meanConfidence = (readings: Readings) => {
  const each = readingMeans(readings);
  return each.length === 0 ? 0 : each.reduce((a, b) => a + b, 0) / each.length;
};

/**
 * A page whose longest lines the recogniser reads this surely stands upright: the median of their
 * mean confidences (a long crop that is a rule's remnant, read 0, leaves it be). Upright forms'
 * read 0.97–1.00 on the fixtures; upside-down or sideways ones' 0–0.65.
 */
export const SURELY_UPRIGHT = 0.9;

/** The median of the sample's readings' mean confidences. */
export function sureness(readings: Readings): number {
  const each = readingMeans(readings).sort((a, b) => a - b);
  return each.length === 0 ? 0 : each[Math.floor(each.length / 2)]!;
}

/** Whether the recogniser reads the sample better turned round than as it stands. */
export function upsideDown(asIs: ReadonlyArray<{ confidences: readonly number[] }>, turned: ReadonlyArray<{ confidences: readonly number[] }>): boolean {
  return asIs.length > 0 && meanConfidence(turned) > meanConfidence(asIs) + UPSIDE_DOWN_MARGIN;
}

export const halfTurn = (image: Gray) => quarterTurn(image, 180);
