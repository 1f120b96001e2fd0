import type { PaintedImage } from '../../pdf/graphics.js';
import { toGray, type Gray } from './raster.js';

/** pdf.js's decoded image: ImageKind 1 (1 bit grey, set bits white), 2 (RGB) or 3 (RGBA). */
interface DecodedImage {
  width: number;
  height: number;
  kind: number;
  data: Uint8Array | Uint8ClampedArray;
}

interface Objects { has(id: string): boolean; get(id: string): unknown }

function decoded(value: unknown): DecodedImage | null {
  const image = value as Partial<DecodedImage> | null;
  if (image === null || typeof image !== 'object' || !image.data || !Number.isInteger(image.width) || !Number.isInteger(image.height)) return null;
  const { width, height, kind, data } = image as DecodedImage;
  if (width <= 0 || height <= 0) return null;
  const needed = kind === 1 ? Math.ceil(width / 8) * height : kind === 2 ? width * height * 3 : kind === 3 ? width * height * 4 : Infinity;
  return data.length >= needed ? { width, height, kind, data } : null;
}

function gray(image: DecodedImage): Gray {
  if (image.kind !== 1) return toGray(image.data, image.width, image.height, image.kind === 2 ? 3 : 4);
  const { width, height } = image;
  const rowBytes = Math.ceil(width / 8);
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data[y * width + x] = image.data[y * rowBytes + (x >> 3)]! & (0x80 >> (x & 7)) ? 255 : 0;
  }
  return { width, height, data };
}

/**
 * The pixels as they stand on the page (rows top to bottom, columns left to right in device
 * space): an image drawn turned or mirrored — a page with /Rotate, a scanner that wrote its
 * rows bottom-up — is resampled into place (nearest pixel).
 */
function upright(image: Gray, { matrix: m, box }: PaintedImage): Gray {
  if (m[0] > 0 && m[3] < 0 && m[1] === 0 && m[2] === 0) return image; // the usual case: nothing to do
  const turned = Math.abs(m[1]) > Math.abs(m[0]);
  const width = turned ? image.height : image.width;
  const height = turned ? image.width : image.height;
  const det = m[0] * m[3] - m[1] * m[2];
  if (det === 0) return image;
  const data = new Uint8Array(width * height);
  for (let j = 0; j < height; j++) {
    const dy = box.y0 + ((j + 0.5) / height) * (box.y1 - box.y0) - m[5];
    for (let i = 0; i < width; i++) {
      const dx = box.x0 + ((i + 0.5) / width) * (box.x1 - box.x0) - m[4];
      // (u, v) = M⁻¹ · (device point − translation)
      const u = (m[3] * dx - m[2] * dy) / det;
      const v = (-m[1] * dx + m[0] * dy) / det;
      const col = Math.min(image.width - 1, Math.max(0, Math.floor(u * image.width)));
      const row = Math.min(image.height - 1, Math.max(0, Math.floor((1 - v) * image.height)));
      data[j * width + i] = image.data[row * image.width + col]!;
    }
  }
  return { width, height, data };
}

/** The grey pixels of a painted image, upright on the page, or null when pdf.js has none for it. */
export function pdfImageGray(painted: PaintedImage, objs: Objects, commonObjs: Objects): Gray | null {
  const source = typeof painted.image === 'string'
    ? (objs.has(painted.image) ? objs.get(painted.image) : commonObjs.has(painted.image) ? commonObjs.get(painted.image) : null)
    : painted.image;
  const image = decoded(source);
  return image === null ? null : upright(gray(image), painted);
}
