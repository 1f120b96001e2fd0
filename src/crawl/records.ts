import { createHash } from 'node:crypto';
import type { DocumentResult } from '../model/document.js';

/**
 * A fingerprint of what a file's documents say — every record, figure and flag — without where in
 * the file it stood (lines, pages) or when it was read. A page whose view counter, date or token
 * changed between two nights gives the same fingerprint; a changed figure does not.
 */
export function recordsFingerprint(results: readonly DocumentResult[]): string {
  const records = results.map(({ document, evaluations }) => ({
    format: document.format, status: document.status, error: document.error,
    evaluations: evaluations.map(({ pageStart: _ps, pageEnd: _pe, lineStart: _ls, lineEnd: _le, indicators, flags, ...rest }) => ({
      ...rest,
      indicators: indicators.map(({ line: _l, page: _p, ...i }) => i),
      flags: flags.map((f) => ({ ...f, message: f.message.replace(/\bline \d+/g, 'line #') })),
    })),
  }));
  return createHash('sha256').update(JSON.stringify(records)).digest('hex');
}
