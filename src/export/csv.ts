import Papa from 'papaparse';
import { Decimal } from 'decimal.js';

/** UTF-8 byte order mark: Excel on Chinese Windows needs it to read UTF-8 CSV. */
export const BOM = '\uFEFF';

/** A cell as plain text: null → empty; numbers without exponent or float noise (299958.4, not 2.999584e5). */
export function csvValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value.toString() : new Decimal(value).toFixed();
  return String(value);
}

/**
 * A cell a spreadsheet would run as a formula (`=cmd|' /C calc'!A0`, `+SUM(1)`, `@SUM(…)`, a
 * leading tab or CR): papaparse prefixes it with `'`, so Excel shows it as text. A plain
 * number (`-5`, `+0.25`) is data, not a formula, and stays as it is.
 */
const FORMULA = /^(?![-+]?\d+(\.\d+)?$)[=+\-@\t\r]/;

/** Rows → CSV text (RFC 4180 quoting of commas, quotes and newlines via papaparse), no BOM. */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<Record<string, unknown>>, header = true): string {
  return Papa.unparse(
    { fields: [...columns], data: rows.map((r) => columns.map((c) => csvValue(r[c]))) },
    { header, newline: '\r\n', quotes: false, escapeFormulae: FORMULA },
  );
}
