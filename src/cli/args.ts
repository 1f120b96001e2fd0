import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { MAX_TIMEOUT_MS } from '../pipeline/pool.js';
import { SCHEMA_VERSION } from '../store/schema.js';
import { isPostgresUrl } from '../store/target.js';
import { openDataset } from '../store/open.js';
import { sqliteReader, type Reader } from '../store/reader.js';
import { Store } from '../store/store.js';

/** A mistake in how zipin was called: exit 2 with the usage text. */
export class UsageError extends Error {}

/** A whole number ≥ `min` from an option, or the fallback. */
export function positiveInt(value: string | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} takes a whole number ≥ ${min}, not "${value}"`);
  return n;
}

/** Below this a worker cannot even load pdf.js. */
export const MIN_MEMORY_MB = 128;

/** `--timeout SECONDS` (or another span) in ms: a finite number > 0 that Node's timers can hold (about 24.8 days). */
export function timeoutMs(value: string | undefined, fallbackSeconds: number, name = 'timeout'): number {
  if (value === undefined) return fallbackSeconds * 1000;
  const seconds = Number(value);
  const max = Math.floor(MAX_TIMEOUT_MS / 1000);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0 || seconds > max) {
    throw new UsageError(`--${name} takes a number of seconds from 0.001 to ${max}, not "${value}"`);
  }
  return Math.max(1, Math.round(seconds * 1000));
}

/**
 * `--concurrency N`, at most one worker per core: each worker is a process holding pdf.js, and
 * more of them than cores only share the same cores while multiplying memory.
 */
export function workerCount(value: string | undefined, warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`)): number {
  const cores = availableParallelism();
  const n = positiveInt(value, 'concurrency', cores);
  if (n <= cores) return n;
  warn(`zipin: --concurrency ${n} is more than this machine's ${cores} core(s); using ${cores}`);
  return cores;
}

export function noArguments(command: string, positionals: readonly string[]): void {
  if (positionals.length > 0) throw new UsageError(`${command} takes no arguments, only options (got "${positionals[0]}")`);
}

export function oneOf<T extends string>(value: string | undefined, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} takes one of ${allowed.join(', ')}, not "${value}"`);
  return value as T;
}

/**
 * Run `fn` on an existing dataset opened read-only (a query never creates one by mistake). One
 * written by an older zipin is migrated first, so that the views queries read exist.
 */
export async function withDataset<T>(path: string, fn: (db: Reader) => T | Promise<T>): Promise<T> {
  if (isPostgresUrl(path)) {
    const dataset = await openDataset(path);
    try {
      return await fn(dataset);
    } finally {
      await dataset.close();
    }
  }
  if (!existsSync(path)) throw new UsageError(`no database at ${path}: run "zipin extract" first or pass --db`);
  const probe = new Database(path, { readonly: true, fileMustExist: true });
  const version = probe.pragma('user_version', { simple: true }) as number;
  probe.close();
  if (version < SCHEMA_VERSION) new Store(path).close();
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return await fn(sqliteReader(db));
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
