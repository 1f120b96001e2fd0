import type Database from 'better-sqlite3';

/**
 * What the commands that read a dataset (compare, report, export) ask of it — the same for
 * SQLite and PostgreSQL: a query's rows, or its rows in batches with their columns' names (for
 * exports larger than memory). Queries are SQL both engines read, with `?` placeholders.
 */
export interface Reader {
  all(sql: string, ...params: unknown[]): Promise<Array<Record<string, unknown>>>;
  batches(sql: string, size: number): AsyncGenerator<Batch>;
}

/** A column's type as the dataset declares it; null where it does not (a view's expression). */
export type ColumnType = 'integer' | 'real' | 'text' | null;

export interface Batch {
  columns: string[];
  types: ColumnType[];
  rows: Array<Record<string, unknown>>;
}

/** SQLite's declared type of a column (its affinity's name), as a ColumnType. */
function declared(type: string | null): ColumnType {
  const t = (type ?? '').toUpperCase();
  return t.includes('INT') ? 'integer' : /REAL|FLOA|DOUB/.test(t) ? 'real' : /CHAR|CLOB|TEXT/.test(t) ? 'text' : null;
}

/** A SQLite dataset as a Reader. */
export function sqliteReader(db: Database.Database): Reader {
  return {
    all: async (sql, ...params) => db.prepare(sql).all(...params) as Array<Record<string, unknown>>,
    async* batches(sql, size) {
      const statement = db.prepare(sql);
      const columns = statement.columns().map((c) => c.name);
      const types = statement.columns().map((c) => declared(c.type));
      let rows: Array<Record<string, unknown>> = [];
      for (const row of statement.iterate() as Iterable<Record<string, unknown>>) {
        rows.push(row);
        if (rows.length === size) {
          yield { columns, types, rows };
          rows = [];
        }
      }
      if (rows.length > 0 || columns.length > 0) yield { columns, types, rows };
    },
  };
}
