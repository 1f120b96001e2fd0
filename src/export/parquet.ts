import { Decimal } from 'decimal.js';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import type { Batch, ColumnType } from '../store/reader.js';

/**
 * A table as Apache Parquet, typed for analysis tools (pandas, DuckDB, R's arrow): money exact,
 * times as times, numbers as numbers.
 *
 * - money (every `…_yuan` column): DECIMAL(38, 6), the stored amount in 元 exactly — its shortest
 *   decimal form scaled by decimal.js, never through floating point; an amount that needs more
 *   than six decimals is refused, never rounded;
 * - times (`…_at`, `first_seen`, `last_checked`, `last_changed`: ISO 8601 text in the dataset):
 *   TIMESTAMP in milliseconds, UTC;
 * - other columns by the type the dataset declares: integers INT64, reals DOUBLE, text UTF-8;
 *   a view's computed column, which declares none, by what its values are (all integers: INT64;
 *   numbers: DOUBLE; else text).
 *
 * Written a row group per batch, so a table is never held in memory whole; a column's type is
 * known before the first row is written, so a table whose columns declare no type is read twice.
 */

type Kind = 'money' | 'time' | 'int' | 'double' | 'text';

const MONEY_SCALE = 6;
const TIMES = new Set(['first_seen', 'last_checked', 'last_changed']);

const kindByName = (name: string): Kind | null => (name.endsWith('_yuan') ? 'money' : name.endsWith('_at') || TIMES.has(name) ? 'time' : null);
const KIND_OF_TYPE: Record<Exclude<ColumnType, null>, Kind> = { integer: 'int', real: 'double', text: 'text' };

/** What the values of a column without a declared type are (null: none but nulls). */
function kindOfValues(values: Iterable<unknown>): Kind | null {
  let kind: Kind | null = null;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (typeof v !== 'number' && typeof v !== 'bigint') return 'text';
    if (kind !== 'double') kind = typeof v === 'bigint' || Number.isInteger(v) ? 'int' : 'double';
  }
  return kind;
}

/** Two batches' kinds of one column: text over numbers, reals over integers. */
const merge = (a: Kind | null, b: Kind | null): Kind | null =>
  (a === null ? b : b === null ? a : a === 'text' || b === 'text' ? 'text' : a === 'double' || b === 'double' ? 'double' : 'int');

function element(name: string, kind: Kind) {
  const optional = { name, repetition_type: 'OPTIONAL' } as const;
  switch (kind) {
    case 'money': return { ...optional, type: 'FIXED_LEN_BYTE_ARRAY', type_length: 16, converted_type: 'DECIMAL', scale: MONEY_SCALE, precision: 38 } as const;
    case 'time': return { ...optional, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' } as const;
    case 'int': return { ...optional, type: 'INT64' } as const;
    case 'double': return { ...optional, type: 'DOUBLE' } as const;
    case 'text': return { ...optional, type: 'BYTE_ARRAY', converted_type: 'UTF8' } as const;
  }
}

/** A stored amount in 元 as DECIMAL(38, 6)'s unscaled integer, exactly. */
function money(value: unknown, column: string): bigint | null {
  if (value === null || value === undefined) return null;
  const amount = new Decimal(String(value));
  if (amount.decimalPlaces() > MONEY_SCALE) throw new Error(`${column}: ${String(value)} has more than ${MONEY_SCALE} decimals and cannot be written exactly`);
  return BigInt(amount.times(10 ** MONEY_SCALE).toFixed(0));
}

function time(value: unknown, column: string): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const at = new Date(String(value));
  if (Number.isNaN(at.getTime())) throw new Error(`${column}: ${String(value)} is not a time`);
  return at;
}

const CONVERT: Record<Kind, (value: unknown, column: string) => unknown> = {
  money,
  time,
  int: (v) => (v === null || v === undefined ? null : BigInt(v as number | bigint)),
  double: (v) => (v === null || v === undefined ? null : Number(v)),
  text: (v) => (v === null || v === undefined ? null : String(v)),
};

/** One table's batches (`read` gives them afresh each call) written to `file`; returns its row count. */
export async function writeParquet(file: string, read: () => AsyncIterable<Batch>): Promise<number> {
  let columns: string[] = [];
  let kinds: Array<Kind | null> = [];
  // A column that declares no type: its kind from every value, first.
  let untyped: number[] = [];
  let first = true;
  for await (const batch of read()) {
    if (first) {
      columns = batch.columns;
      kinds = batch.columns.map((name, k) => kindByName(name) ?? (batch.types[k] ? KIND_OF_TYPE[batch.types[k]] : null));
      untyped = kinds.flatMap((kind, k) => (kind === null ? [k] : []));
      first = false;
    }
    if (untyped.length === 0) break;
    for (const k of untyped) kinds[k] = merge(kinds[k] ?? null, kindOfValues(batch.rows.map((r) => r[columns[k]!])));
  }
  const final = kinds.map((kind) => kind ?? 'text');
  const writer = new ParquetWriter({
    writer: fileWriter(file),
    schema: [{ name: 'root', num_children: columns.length }, ...columns.map((name, k) => element(name, final[k]!))],
    createdBy: 'zipin',
  });
  let rows = 0;
  for await (const batch of read()) {
    if (batch.rows.length === 0) continue;
    writer.write({
      columnData: columns.map((name, k) => ({ name, data: batch.rows.map((r) => CONVERT[final[k]!](r[name], name)) as never })),
      rowGroupSize: batch.rows.length,
    });
    rows += batch.rows.length;
  }
  writer.finish();
  return rows;
}
