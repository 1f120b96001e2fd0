/**
 * The dataset's statements, written once for both engines. A write is a generator of statements
 * (`Steps`): it yields each statement and is handed back its rows. SQLite runs the steps
 * synchronously in one transaction (better-sqlite3), PostgreSQL awaits each one on its
 * connection (node-postgres); the logic between statements — which rows to write, which copy of a
 * form to count — is the same code for both. Statements are SQL both engines read: `?`
 * placeholders (numbered for PostgreSQL by its driver), `RETURNING`, `ON CONFLICT`, integers for
 * truth values.
 */

export interface Statement {
  sql: string;
  params: readonly unknown[];
  /** What the caller wants back: every row, the first row (or undefined), or nothing. */
  want: 'rows' | 'row' | 'none';
  /**
   * Run on this engine only: a lock PostgreSQL takes so that its concurrent writers (workers on
   * many machines) take turns where SQLite's single writer needs none.
   */
  only?: 'postgres';
}

export type Steps<T> = Generator<Statement, T, unknown>;

/** Every row of a query. */
export function* rows<T>(sql: string, ...params: unknown[]): Steps<T[]> {
  return (yield { sql, params, want: 'rows' }) as T[];
}

/** The first row of a query (an INSERT … RETURNING), or undefined. */
export function* row<T>(sql: string, ...params: unknown[]): Steps<T | undefined> {
  return (yield { sql, params, want: 'row' }) as T | undefined;
}

/** A statement run for its effect. */
export function* run(sql: string, ...params: unknown[]): Steps<void> {
  yield { sql, params, want: 'none' };
}

/** A lock only PostgreSQL takes (see Statement.only), held to the end of the transaction. */
export function* lockFor(sql: string, ...params: unknown[]): Steps<void> {
  yield { sql, params, want: 'none', only: 'postgres' };
}

/** `steps` to their end, each statement answered by `answer` (synchronously: SQLite). */
export function driveSync<T>(steps: Steps<T>, answer: (statement: Statement) => unknown): T {
  let next = steps.next();
  while (!next.done) next = steps.next(answer(next.value));
  return next.value;
}

/** `steps` to their end, each statement answered by `answer` in turn (PostgreSQL). */
export async function driveAsync<T>(steps: Steps<T>, answer: (statement: Statement) => Promise<unknown>): Promise<T> {
  let next = steps.next();
  while (!next.done) next = steps.next(await answer(next.value));
  return next.value;
}
