import type { Gray } from './raster.js';
import { OCR_SETTINGS as S } from './settings.js';

/** At most this many ink pixels vote on the skew (a sample: the answer does not need them all). */
const MAX_SAMPLE = 80_000;

/**
 * The angle (degrees, for `rotate`) that makes the page's lines level: the projection-profile
 * method — turned by the right angle, ruling lines and text lines fall into few rows, so the sum
 * of squared row counts peaks. Coarse steps over ± maxSkewDegrees, then fine steps round the best.
 */
export function skewAngle(image: Gray, mask: Uint8Array): number {
  const { width, height } = image;
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += mask[i]!;
  if (count === 0) return 0;
  const stride = Math.max(1, Math.ceil(count / MAX_SAMPLE));
  const xs = new Float64Array(Math.ceil(count / stride));
  const ys = new Float64Array(xs.length);
  let seen = 0;
  let n = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0, i = y * width; x < width; x++, i++) {
      if (mask[i] === 0 || seen++ % stride !== 0) continue;
      xs[n] = x - (width - 1) / 2;
      ys[n++] = y - (height - 1) / 2;
    }
  }
  const rows = new Float64Array(2 * (width + height) + 4);
  const offset = width + height + 2;
  const score = (degrees: number) => {
    const a = (degrees * Math.PI) / 180;
    const sin = Math.sin(a);
    const cos = Math.cos(a);
    rows.fill(0);
    // Where each ink pixel lands after `rotate(image, degrees)`: y' = −x·sin + y·cos about the centre.
    for (let k = 0; k < n; k++) rows[Math.round(ys[k]! * cos - xs[k]! * sin) + offset]!++;
    let sum = 0;
    for (let r = 0; r < rows.length; r++) sum += rows[r]! * rows[r]!;
    return sum;
  };
  const best = (from: number, to: number, step: number) => {
    let angle = 0;
    let top = -1;
    for (let k = 0; from + k * step <= to + 1e-9; k++) {
      const degrees = from + k * step;
      const s = score(degrees);
      // ties go to the smaller turn
      if (s > top || (s === top && Math.abs(degrees) < Math.abs(angle))) {
        top = s;
        angle = degrees;
      }
    }
    return angle;
  };
  const coarse = best(-S.maxSkewDegrees, S.maxSkewDegrees, S.skewCoarseStep);
  const fine = best(coarse - S.skewCoarseStep, coarse + S.skewCoarseStep, S.skewFineStep);
  return Math.round(fine / S.skewFineStep) * S.skewFineStep;
}
