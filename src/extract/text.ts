import type { ExtractedDocument, Row } from '../model/table.js';
import { decodeText } from './encoding.js';

/** Collapse runs of whitespace (including the ideographic space) and trim. */
export function cleanCell(text: string): string {
  return /\s/.test(text) ? text.replace(/\s+/g, ' ').trim() : text;
}

/**
 * Text reports as published (one table row per line, cells separated by tabs) → the table
 * model. Blank lines are dropped; every row keeps its 1-based line number.
 */
export function extractText(bytes: Uint8Array): ExtractedDocument {
  const { encoding, text } = decodeText(bytes);
  const rows: Row[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (raw.trim() === '') continue;
    rows.push({ line: i + 1, page: null, cells: raw.split('\t').map(cleanCell), positions: 'inferred', spans: null, table: null });
  }
  return { format: 'text', pages: null, encoding, rows };
}
