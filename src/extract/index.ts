import { extname } from 'node:path';
import type { ExtractedDocument } from '../model/table.js';
import { openCompoundFile, topLevelStreams } from './office/cfb.js';
import { DocumentError } from './errors.js';
import { mhtmlHtml } from './web/mhtml.js';
import { extractPdf, type PageTrace } from './pdf/pdf.js';
import { imageKind, sniff, type FileKind } from './sniff.js';

export type { PageTrace } from './pdf/pdf.js';
import type { RowSense } from './sense.js';
import { extractText } from './text.js';

export { DocumentError } from './errors.js';

/** File endings zipin reads; a directory walk picks only these (a file named explicitly is always tried). */
export const SUPPORTED_EXTENSIONS = ['.txt', '.tsv', '.text', '.pdf', '.ofd', '.xlsx', '.xls', '.et', '.html', '.htm', '.mht', '.mhtml', '.docx', '.doc', '.wps', '.zip', '.7z', '.rar', '.png', '.jpg', '.jpeg', '.tif', '.tiff'] as const;

export function isSupportedFile(path: string): boolean {
  return (SUPPORTED_EXTENSIONS as readonly string[]).includes(extname(path).toLowerCase());
}

/** What a file named .pdf really is, when it is not a PDF. */
function notAPdf(bytes: Uint8Array): DocumentError {
  if (bytes.length === 0) return new DocumentError('empty file (0 bytes)');
  const head = Buffer.from(bytes.subarray(0, 2048)).toString('utf8').toLowerCase();
  if (/<(!doctype html|html|head|body)\b/.test(head)) return new DocumentError('not a PDF: the file is an HTML page (an error page saved as .pdf?)');
  return new DocumentError('not a PDF: the file has no %PDF header');
}

/** What a file so named should hold, when its bytes are plain text instead. */
const CONTAINERS: Record<string, string> = {
  '.xlsx': 'workbook', '.xls': 'workbook', '.et': 'workbook', '.docx': 'Word document', '.doc': 'Word document', '.wps': 'Word document', '.zip': 'ZIP archive',
  '.7z': '7z archive', '.rar': 'RAR archive', '.ofd': 'OFD document',
  '.png': 'PNG image', '.jpg': 'JPEG image', '.jpeg': 'JPEG image', '.tif': 'TIFF image', '.tiff': 'TIFF image',
};

const ARCHIVE = 'whose members extract and crawl read one by one (totext and inspect take one document)';
const NOT_YET: Partial<Record<FileKind, string>> = {
  zip: `a ZIP archive, ${ARCHIVE}`, '7z': `a 7z archive, ${ARCHIVE}`, rar: `a RAR archive, ${ARCHIVE}`,
};

/** An Office 97 file that sniffing could not name: unreadable (truncated?), or another kind (PowerPoint…). */
function otherOle(bytes: Uint8Array): DocumentError {
  const streams = topLevelStreams(openCompoundFile(bytes, 'Office 97 file'));
  return new DocumentError(`unsupported file type: an Office 97 file that is neither a workbook nor a Word document (its streams: ${streams.slice(0, 5).join(', ') || 'none'})`);
}

/** What a reader is given: the file's bytes, what the caller knows of the form, and where to trace what a page reader saw. */
type Reader = (bytes: Uint8Array, sense: RowSense, trace?: PageTrace[]) => Promise<ExtractedDocument>;

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * The one registry from a sniffed kind to its reader, a format family a folder (pdf/, ofd/,
 * office/, web/, image/; archives are opened by the pipeline, member by member). The readers of
 * other formats than PDF load with the first file of theirs: a process reading text or PDFs does
 * not spend a fifth of a second starting up the image, Word and HTML parsers.
 */
const READERS: Partial<Record<FileKind, Reader>> = {
  pdf: (bytes, sense, trace) => extractPdf(bytes, sense, trace),
  ofd: async (bytes, sense, trace) => (await import('./ofd/ofd.js')).extractOfd(asBuffer(bytes), sense, trace),
  xlsx: async (bytes) => (await import('./office/spreadsheet.js')).extractSpreadsheet(bytes, 'xlsx'),
  xls: async (bytes) => (await import('./office/spreadsheet.js')).extractSpreadsheet(bytes, 'xls'),
  docx: async (bytes) => (await import('./office/docx.js')).extractDocx(asBuffer(bytes)),
  doc: async (bytes) => (await import('./office/doc.js')).extractDoc(bytes),
  html: async (bytes) => (await import('./web/html.js')).extractHtml(bytes),
  mhtml: async (bytes) => {
    const { html, charset } = mhtmlHtml(bytes);
    return (await import('./web/html.js')).extractHtml(html, charset);
  },
  image: async (bytes, sense, trace) => (await import('./image/image.js')).extractImage(bytes, imageKind(bytes)!, sense, trace),
};

/**
 * Bytes of one file → the table model, chosen by what the bytes are (not by the name: a
 * misnamed attachment is read as what it is). `sense` is what the caller knows of the form
 * (FORM_SENSE), for the PDF stitcher; `trace` collects what a page reader saw, for drawing.
 */
export async function extract(bytes: Uint8Array, path: string, sense: RowSense, trace?: PageTrace[]): Promise<ExtractedDocument> {
  const kind = sniff(bytes);
  const ext = extname(path).toLowerCase();
  if (kind !== 'pdf' && ext === '.pdf') throw notAPdf(bytes);
  if (kind === 'ole') throw otherOle(bytes);
  const notYet = NOT_YET[kind];
  if (notYet) throw new DocumentError(`unsupported file type: ${notYet}`);
  const reader = READERS[kind];
  if (reader) return reader(bytes, sense, trace);
  const container = CONTAINERS[ext];
  if (container) throw new DocumentError(`not a ${container}: the file named ${ext} holds text or unknown data`);
  if (!isSupportedFile(path)) throw new DocumentError(`unsupported file type "${ext || '(none)'}"`);
  return extractText(bytes);
}
