import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

/**
 * Built-ins that pdf.js's legacy build (the one that runs on Node 20) replaces with core-js
 * polyfills although Node's own serve pdf.js as well: `push` for a V8 corner case of arrays with
 * a read-only length, JSON for proposals pdf.js never uses. The polyfills are plain JavaScript,
 * several times slower, and global: every array push in the thread — pdf.js's and the whole
 * pipeline's — would pay for them.
 */
const REPLACED: ReadonlyArray<readonly [object, string]> = [
  [Array.prototype, 'push'],
  [JSON, 'parse'],
  [JSON, 'stringify'],
  [Function.prototype, 'toString'],
];

let loading: Promise<PdfJs> | null = null;

/**
 * pdf.js, loaded on the first PDF only (text-only runs never pay for it), with Node's own
 * built-ins put back. Its in-thread worker module is loaded here too, because it brings its own
 * copy of the polyfills.
 */
export function loadPdfJs(): Promise<PdfJs> {
  loading ??= (async () => {
    const native = REPLACED.map(([owner, key]) => [owner, key, Object.getOwnPropertyDescriptor(owner, key)!] as const);
    const lib = await import('pdfjs-dist/legacy/build/pdf.mjs');
    // @ts-expect-error: the worker module ships without types; it registers itself as globalThis.pdfjsWorker
    await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
    for (const [owner, key, descriptor] of native) Object.defineProperty(owner, key, descriptor);
    return lib;
  })();
  return loading;
}

const ROOT = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

/** Options for every document: font code is never evaluated (PDFs come from the internet); the package's CMaps and standard fonts give text for CJK fonts without ToUnicode. */
export const DOCUMENT_OPTIONS = {
  isEvalSupported: false,
  cMapUrl: `${join(ROOT, 'cmaps')}/`,
  cMapPacked: true,
  standardFontDataUrl: `${join(ROOT, 'standard_fonts')}/`,
  useSystemFonts: false,
  disableFontFace: true,
  verbosity: 0,
  // Images larger than this many pixels are not decoded (a 600-dpi A3 scan is 70 million).
  maxImageSize: 100_000_000,
} as const;
