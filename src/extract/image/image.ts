import { PNG } from 'pngjs';
import UTIF from 'utif2';
import type { ExtractedDocument } from '../../model/table.js';
import { DocumentError } from '../errors.js';
import { readScannedPage } from './ocr/page.js';
import { formReadings } from './ocr/readings.js';
import { toGray, type Gray } from './ocr/raster.js';
import { OCR_SETTINGS } from './ocr/settings.js';
import { layoutPage } from '../pdf/layout.js';
import { assemblePages, type LaidPage, type PageTrace } from '../pdf/pdf.js';
import { DOCUMENT_OPTIONS } from '../pdf/pdfjs.js';
import type { RowSense } from '../sense.js';
import type { ImageKind } from '../sniff.js';

/** An image larger than this is not decoded (as in PDFs: a 600-dpi A3 scan is 70 million pixels). */
const MAX_PIXELS = DOCUMENT_OPTIONS.maxImageSize;
/** A TIFF with more pages than this is no scanned form. */
const MAX_TIFF_PAGES = 200;

function bounded(width: number, height: number, what: string): void {
  if (!(width > 0 && height > 0)) throw new DocumentError(`broken ${what}: no picture size`);
  if (width * height > MAX_PIXELS) throw new DocumentError(`${what} too large: ${width}×${height} pixels (over ${MAX_PIXELS / 1e6} million)`);
  if (Math.min(width, height) < OCR_SETTINGS.minPagePixels) throw new DocumentError(`${what} of ${width}×${height} pixels is too small to be a scanned page`);
}

function png(bytes: Uint8Array): Gray[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // IHDR first: its size before anything is inflated.
  if (buffer.length < 24 || buffer.toString('latin1', 12, 16) !== 'IHDR') throw new DocumentError('broken PNG: no IHDR header');
  bounded(buffer.readUInt32BE(16), buffer.readUInt32BE(20), 'PNG image');
  try {
    const image = PNG.sync.read(buffer);
    return [toGray(image.data, image.width, image.height, 4)];
  } catch (error) {
    throw new DocumentError(`broken PNG: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** The frame size of a JPEG (its SOF marker), read before decoding. */
function jpegSize(bytes: Uint8Array): { width: number; height: number } {
  for (let i = 2; i + 9 < bytes.length;) {
    if (bytes[i] !== 0xff) throw new DocumentError('broken JPEG: bad marker');
    const marker = bytes[i + 1]!;
    if (marker === 0xff) { i++; continue; }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) { i += 2; continue; }
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    // SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC)
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (bytes[i + 5]! << 8) | bytes[i + 6]!, width: (bytes[i + 7]! << 8) | bytes[i + 8]! };
    }
    if (marker === 0xd9 || marker === 0xda) break;
    i += 2 + length;
  }
  throw new DocumentError('broken JPEG: no frame header');
}

async function jpeg(bytes: Uint8Array): Promise<Gray[]> {
  const { width, height } = jpegSize(bytes);
  bounded(width, height, 'JPEG image');
  // @ts-expect-error: pdf.js's image decoders ship without types
  const decoders = await import('pdfjs-dist/image_decoders/pdf.image_decoders.mjs') as {
    JpegImage: new () => { parse(d: Uint8Array): void; width: number; height: number; getData(o: object): Uint8ClampedArray };
    setVerbosityLevel(level: number): void;
  };
  decoders.setVerbosityLevel(0); // errors only: a damaged file's warnings are not for the user's terminal
  const { JpegImage } = decoders;
  try {
    const decoder = new JpegImage();
    decoder.parse(bytes);
    const data = decoder.getData({ width: decoder.width, height: decoder.height, forceRGB: true });
    return [toGray(data, decoder.width, decoder.height, 3)];
  } catch (error) {
    throw new DocumentError(`broken JPEG: ${(error as Error).message.split('\n')[0]}`);
  }
}

function tiff(bytes: Uint8Array): Gray[] {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let ifds: UTIF.IFD[];
  try {
    ifds = UTIF.decode(buffer).filter((ifd) => ifd.t256 !== undefined && ifd.t257 !== undefined);
  } catch (error) {
    throw new DocumentError(`broken TIFF: ${(error as Error).message.split('\n')[0]}`);
  }
  if (ifds.length === 0) throw new DocumentError('broken TIFF: no pages');
  if (ifds.length > MAX_TIFF_PAGES) throw new DocumentError(`TIFF with ${ifds.length} pages (over ${MAX_TIFF_PAGES}): no scanned form`);
  return ifds.map((ifd, k) => {
    bounded(Number((ifd.t256 as number[])[0]), Number((ifd.t257 as number[])[0]), `TIFF page ${k + 1}`);
    try {
      UTIF.decodeImage(buffer, ifd);
      return toGray(UTIF.toRGBA8(ifd), ifd.width, ifd.height, 4);
    } catch (error) {
      throw new DocumentError(`broken TIFF (page ${k + 1}): ${(error as Error).message.split('\n')[0]}`);
    }
  });
}

/** An image file's pages in grey, or its fault in one line (DocumentError). */
export async function decodeImage(bytes: Uint8Array, kind: ImageKind): Promise<Gray[]> {
  return kind === 'png' ? png(bytes) : kind === 'jpeg' ? jpeg(bytes) : tiff(bytes);
}

/**
 * An image file of scanned pages → the table model: each page read by OCR onto a page of A4
 * (its shorter side 595 pt, whatever resolution the file claims — scanners' dpi fields are often
 * wrong), laid out and put together as a PDF's pages are; `trace` collects what OCR saw, for drawing.
 */
export async function extractImage(bytes: Uint8Array, kind: ImageKind, sense: RowSense, trace?: PageTrace[]): Promise<ExtractedDocument> {
  const images = await decodeImage(bytes, kind);
  const pages: LaidPage[] = [];
  for (const [k, image] of images.entries()) {
    const ptPerPx = OCR_SETTINGS.imagePageShortSide / Math.min(image.width, image.height);
    const box = { x0: 0, y0: 0, x1: image.width * ptPerPx, y1: image.height * ptPerPx };
    const { rules, runs, turned, box: read } = await readScannedPage(image, box);
    pages.push({ page: k + 1, rows: formReadings(layoutPage(rules, runs, [], read.x1, read.y1, sense), sense), text: runs.length > 0, images: true, ocr: true, turned });
    trace?.push({ page: k + 1, width: read.x1, height: read.y1, rules, runs });
  }
  return assemblePages({ pageCount: images.length, pages }, sense, 'image');
}
