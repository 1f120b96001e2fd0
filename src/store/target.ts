/** What `--db` names: an SQLite file's path, or a PostgreSQL database's URL. */

/** `--db` names a PostgreSQL database (postgres:// or postgresql://) rather than an SQLite file. */
export const isPostgresUrl = (target: string): boolean => /^postgres(ql)?:\/\//i.test(target);

/** A connection string without its password, for messages. */
export function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}
