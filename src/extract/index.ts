import { extname } from 'node:path';
import type { ExtractedDocument } from '../model/table.js';
import { DocumentError } from './errors.js';
import { extractPdf, type PageTrace } from './pdf/pdf.js';

export type { PageTrace } from './pdf/pdf.js';
import type { RowSense } from './sense.js';
import { extractText } from './text.js';

export { DocumentError } from './errors.js';

/** File endings zipin reads; a directory walk picks only these. */
export const SUPPORTED_EXTENSIONS = ['.txt', '.tsv', '.text', '.pdf'] as const;

export function isSupportedFile(path: string): boolean {
  return (SUPPORTED_EXTENSIONS as readonly string[]).includes(extname(path).toLowerCase());
}

/** A PDF starts with %PDF- within its first kilobyte. */
function looksLikePdf(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 1024)).toString('latin1').includes('%PDF-');
}

/** What a file named .pdf really is, when it is not a PDF. */
function notAPdf(bytes: Uint8Array): DocumentError {
  if (bytes.length === 0) return new DocumentError('empty file (0 bytes)');
  const head = Buffer.from(bytes.subarray(0, 2048)).toString('utf8').toLowerCase();
  if (/<(!doctype html|html|head|body)\b/.test(head)) return new DocumentError('not a PDF: the file is an HTML page (an error page saved as .pdf?)');
  return new DocumentError('not a PDF: the file has no %PDF header');
}

/**
 * Bytes of one file → the table model, chosen by what the bytes are (not only by the name).
 * `sense` is what the caller knows of the form (FORM_SENSE), for the PDF stitcher.
 */
export async function extract(bytes: Uint8Array, path: string, sense: RowSense, trace?: PageTrace[]): Promise<ExtractedDocument> {
  if (looksLikePdf(bytes)) return extractPdf(bytes, sense, trace);
  const ext = extname(path).toLowerCase();
  if (ext === '.pdf') throw notAPdf(bytes);
  if (!isSupportedFile(path)) throw new DocumentError(`unsupported file type "${ext || '(none)'}"`);
  return extractText(bytes);
}
