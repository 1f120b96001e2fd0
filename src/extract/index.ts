import { extname } from 'node:path';
import type { ExtractedDocument } from '../model/table.js';
import { DocumentError } from './errors.js';
import { extractText } from './text.js';

export { DocumentError } from './errors.js';

/** File endings zipin reads; a directory walk picks only these. */
export const TEXT_EXTENSIONS = ['.txt', '.tsv', '.text'] as const;

export function isSupportedFile(path: string): boolean {
  return (TEXT_EXTENSIONS as readonly string[]).includes(extname(path).toLowerCase());
}

/** Bytes of one file → the table model, chosen by what the bytes are (not only by the name). */
export function extract(bytes: Uint8Array, path: string): ExtractedDocument {
  if (bytes.length >= 5 && Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-') {
    throw new DocumentError('PDF input is not supported yet');
  }
  if (!isSupportedFile(path)) {
    throw new DocumentError(`unsupported file type "${extname(path) || '(none)'}"`);
  }
  return extractText(bytes);
}
