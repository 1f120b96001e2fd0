/**
 * Page images as the OCR reader handles them: 8-bit grey (0 black … 255 white), and ink masks
 * (1 where the page is printed). Every operation is plain arithmetic over typed arrays.
 */

export interface Gray {
  width: number;
  height: number;
  /** Row-major, one byte per pixel. */
  data: Uint8Array;
}

/** A box in pixels: columns x0 ≤ x < x1, rows y0 ≤ y < y1. */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Decoded pixels → grey. `channels` 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA); transparent
 * pixels count as the paper behind them (white).
 */
export function toGray(pixels: ArrayLike<number>, width: number, height: number, channels: number): Gray {
  const n = width * height;
  const data = new Uint8Array(n);
  if (channels === 1) {
    for (let i = 0; i < n; i++) data[i] = pixels[i]!;
    return { width, height, data };
  }
  const alpha = channels === 2 || channels === 4;
  for (let i = 0, p = 0; i < n; i++, p += channels) {
    // ITU-R BT.601 luma, in integers
    const v = channels < 3 ? pixels[p]! : (pixels[p]! * 299 + pixels[p + 1]! * 587 + pixels[p + 2]! * 114) / 1000;
    const a = alpha ? pixels[p + channels - 1]! / 255 : 1;
    data[i] = Math.round(v * a + 255 * (1 - a));
  }
  return { width, height, data };
}

function histogram(image: Gray): Uint32Array {
  const counts = new Uint32Array(256);
  for (let i = 0; i < image.data.length; i++) counts[image.data[i]!]!++;
  return counts;
}

/** Otsu's threshold: the grey level that best separates dark from light (levels ≤ it are dark). */
function otsu(counts: Uint32Array, total: number): number {
  let sum = 0;
  for (let v = 0; v < 256; v++) sum += v * counts[v]!;
  let below = 0;
  let sumBelow = 0;
  let best = 127;
  let bestVariance = -1;
  for (let t = 0; t < 256; t++) {
    below += counts[t]!;
    if (below === 0) continue;
    const above = total - below;
    if (above === 0) break;
    sumBelow += t * counts[t]!;
    const mean0 = sumBelow / below;
    const mean1 = (sum - sumBelow) / above;
    const variance = below * above * (mean0 - mean1) ** 2;
    if (variance > bestVariance) {
      bestVariance = variance;
      best = t;
    }
  }
  return best;
}

/**
 * Two grey levels at or below which a pixel is ink: `text`, Otsu's split between dark and light;
 * and `rules`, halfway from it to the paper (the commonest level above it), which also takes what
 * is printed lighter than text — hairline rules a producer drew in grey, or a scan thinned to a
 * pixel of mid-grey — but would make text bold.
 */
export function inkThresholds(image: Gray): { text: number; rules: number } {
  const counts = histogram(image);
  const text = otsu(counts, image.data.length);
  let paper = Math.min(255, text + 1);
  for (let v = paper; v < 256; v++) if (counts[v]! > counts[paper]!) paper = v;
  return { text, rules: Math.floor((text + paper) / 2) };
}

/** Ink mask: 1 where the grey is at or below `threshold`. */
export function inkMask(image: Gray, threshold: number): Uint8Array {
  const mask = new Uint8Array(image.data.length);
  for (let i = 0; i < mask.length; i++) mask[i] = image.data[i]! <= threshold ? 1 : 0;
  return mask;
}

/**
 * The image turned by `degrees` about its centre (the pixel at destination d comes from
 * centre + R(degrees)·(d − centre), y down, as `skewAngle` measures it), same size, bilinear;
 * what comes in from outside is white paper.
 */
export function rotate(image: Gray, degrees: number): Gray {
  if (degrees === 0) return image;
  const { width, height, data } = image;
  const out = new Uint8Array(width * height);
  const a = (degrees * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  for (let y = 0; y < height; y++) {
    const dy = y - cy;
    // source = centre + R(a) · (destination - centre), starting at x = 0
    let sx = cx - cx * cos - dy * sin;
    let sy = cy - cx * sin + dy * cos;
    for (let x = 0, o = y * width; x < width; x++, o++, sx += cos, sy += sin) {
      // Inside, both are ≥ 0: truncation is the floor (a third of the time Math.floor took here).
      if (!(sx >= 0 && sy >= 0 && sx < width - 1 && sy < height - 1)) {
        out[o] = 255;
        continue;
      }
      const x0 = sx | 0;
      const y0 = sy | 0;
      const fx = sx - x0;
      const fy = sy - y0;
      const i = y0 * width + x0;
      const p = data[i]!;
      const q = data[i + 1]!;
      const r = data[i + width]!;
      const top = p + (q - p) * fx;
      const bottom = r + (data[i + width + 1]! - r) * fx;
      out[o] = Math.round(top + (bottom - top) * fy);
    }
  }
  return { width, height, data: out };
}

/** The image turned clockwise by a quarter, a half or three quarters: every pixel moved, none resampled. */
export function quarterTurn(image: Gray, clockwise: 90 | 180 | 270): Gray {
  const { width: w, height: h, data } = image;
  const quarter = clockwise !== 180;
  const width = quarter ? h : w;
  const height = quarter ? w : h;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // Where (x, y) lands: clockwise 90 → (h − 1 − y, x); 180 → (w − 1 − x, h − 1 − y); 270 → (y, w − 1 − x).
      const [nx, ny] = clockwise === 90 ? [h - 1 - y, x] : clockwise === 180 ? [w - 1 - x, h - 1 - y] : [y, w - 1 - x];
      out[ny * width + nx] = data[y * w + x]!;
    }
  }
  return { width, height, data: out };
}

/** A box's pixels cut out (clamped to the image). */
export function crop(image: Gray, box: PixelBox): Gray {
  const x0 = Math.max(0, Math.floor(box.x0));
  const y0 = Math.max(0, Math.floor(box.y0));
  const x1 = Math.min(image.width, Math.ceil(box.x1));
  const y1 = Math.min(image.height, Math.ceil(box.y1));
  const width = Math.max(0, x1 - x0);
  const height = Math.max(0, y1 - y0);
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) data.set(image.data.subarray((y0 + y) * image.width + x0, (y0 + y) * image.width + x0 + width), y * width);
  return { width, height, data };
}
