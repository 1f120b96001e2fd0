import type Database from 'better-sqlite3';

/**
 * What the commands that read a dataset (compare, report, export) ask of it — the same for
 * SQLite and PostgreSQL: a query's rows, or its rows in batches with their columns' names (for
 * exports larger than memory). Queries are SQL both engines read, with `?` placeholders.
 */
export interface Reader {
  all(sql: string, ...params: unknown[]): Promise<Array<Record<string, unknown>>>;
  batches(sql: string, size: number): AsyncGenerator<{ columns: string[]; rows: Array<Record<string, unknown>> }>;
}

/** A SQLite dataset as a Reader. */
export function sqliteReader(db: Database.Database): Reader {
  return {
    all: async (sql, ...params) => db.prepare(sql).all(...params) as Array<Record<string, unknown>>,
    async* batches(sql, size) {
      const statement = db.prepare(sql);
      const columns = statement.columns().map((c) => c.name);
      let rows: Array<Record<string, unknown>> = [];
      for (const row of statement.iterate() as Iterable<Record<string, unknown>>) {
        rows.push(row);
        if (rows.length === size) {
          yield { columns, rows };
          rows = [];
        }
      }
      if (rows.length > 0 || columns.length > 0) yield { columns, rows };
    },
  };
}
