import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InThreadDecompressionStream } from './inflate.js';
import { InThreadPort } from './port.js';

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
let worker: InstanceType<PdfJs['PDFWorker']> | null = null;

/**
 * pdf.js, loaded on the first PDF only (text-only runs never pay for it), with Node's own
 * built-ins put back. Its in-thread worker module is loaded here too, because it brings its own
 * copy of the polyfills. Its Flate streams are decoded in this thread (see inflate.ts): the
 * global `DecompressionStream` is replaced, which nothing but pdf.js uses in zipin's processes.
 */
export function loadPdfJs(): Promise<PdfJs> {
  loading ??= (async () => {
    const native = REPLACED.map(([owner, key]) => [owner, key, Object.getOwnPropertyDescriptor(owner, key)!] as const);
    const lib = await import('pdfjs-dist/legacy/build/pdf.mjs');
    // @ts-expect-error: the worker module ships without types; it registers itself as globalThis.pdfjsWorker
    const { WorkerMessageHandler } = await import('pdfjs-dist/legacy/build/pdf.worker.mjs') as WorkerModule;
    for (const [owner, key, descriptor] of native) Object.defineProperty(owner, key, descriptor);
    globalThis.DecompressionStream = InThreadDecompressionStream as unknown as typeof DecompressionStream;
    const port = new InThreadPort();
    WorkerMessageHandler.initializeFromPort(port);
    // (pdf.js's types say `port?: null`; its code takes any object that posts and listens as a Worker does)
    worker = new lib.PDFWorker({ port: port as unknown as null, verbosity: DOCUMENT_OPTIONS.verbosity });
    return lib;
  })();
  return loading;
}

/** What zipin uses of pdf.js's worker module, which ships without types. */
interface WorkerModule {
  WorkerMessageHandler: { initializeFromPort(port: InThreadPort): void };
}

/**
 * A PDF opened by pdf.js with zipin's options, its worker side in this thread behind the one
 * port this process keeps for every document (port.ts).
 */
export async function openPdfDocument(data: Uint8Array) {
  const { getDocument } = await loadPdfJs();
  return getDocument({ ...DOCUMENT_OPTIONS, data, worker: worker! }).promise;
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
