import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';

/** A mistake in how zipin was called: exit 2 with the usage text. */
export class UsageError extends Error {}

/** A whole number ≥ `min` from an option, or the fallback. */
export function positiveInt(value: string | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} takes a whole number ≥ ${min}, not "${value}"`);
  return n;
}

export function noArguments(command: string, positionals: readonly string[]): void {
  if (positionals.length > 0) throw new UsageError(`${command} takes no arguments, only options (got "${positionals[0]}")`);
}

export function oneOf<T extends string>(value: string | undefined, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} takes one of ${allowed.join(', ')}, not "${value}"`);
  return value as T;
}

/** Run `fn` on an existing dataset opened read-only (a query never creates one by mistake). */
export async function withDataset<T>(path: string, fn: (db: Database.Database) => T | Promise<T>): Promise<T> {
  if (!existsSync(path)) throw new UsageError(`no database at ${path}: run "zipin extract" first or pass --db`);
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

export function regex(value: string | undefined, name: string): RegExp | null {
  if (value === undefined) return null;
  try {
    return new RegExp(value);
  } catch {
    throw new UsageError(`--${name} is not a regular expression: ${value}`);
  }
}
