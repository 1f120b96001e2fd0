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

/**
 * `steps` to their end, each statement answered by `answer` (PostgreSQL). A statement whose
 * answer the steps do not want (`want: 'none'`) is not waited for: on a pipelining connection it
 * goes out behind the one before, and the next round trip is only for a statement whose rows the
 * steps need. Its failure is thrown at the next wait, or at the end — inside a transaction it
 * failed the transaction anyway.
 */
export async function driveAsync<T>(steps: Steps<T>, answer: (statement: Statement) => Promise<unknown>): Promise<T> {
  let failure: { error: unknown } | null = null;
  const sent: Array<Promise<unknown>> = [];
  const settled = async () => {
    await Promise.all(sent.splice(0));
    if (failure !== null) throw failure.error;
  };
  let next = steps.next();
  while (!next.done) {
    const statement = next.value;
    if (statement.want === 'none') {
      sent.push(answer(statement).catch((error: unknown) => { failure ??= { error }; }));
      next = steps.next(undefined);
    } else {
      const rows = answer(statement);
      rows.catch(() => undefined); // its failure is thrown below, after those sent before it
      await settled();
      next = steps.next(await rows);
    }
  }
  await settled();
  return next.value;
}
