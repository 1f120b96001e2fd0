import type { DocumentRecord } from '../model/document.js';
import type { ValidatedEvaluation } from '../model/evaluation.js';
import type { Reader } from './reader.js';
import type { FormCounts, RunCounts, SourceUpdate, StoredSource, Written } from './writes.js';

/**
 * A zipin dataset, whichever engine holds it: an SQLite file (the embedded default) or a
 * PostgreSQL database shared by a team and its workers on many machines. One interface, two
 * implementations; the statements are the same (writes.ts, forms.ts, lock.ts, the views), each
 * write one transaction.
 */
export interface Dataset extends Reader {
  /** Where it is, for messages (a file's path, or the server and database without a password). */
  readonly where: string;
  hasCurrent(sha256: string, pipelineVersion: string): Promise<boolean>;
  writeDocument(document: DocumentRecord, evaluations: readonly ValidatedEvaluation[], runId?: number | null): Promise<Written>;
  writeCrawled(source: SourceUpdate, results: ReadonlyArray<{ document: DocumentRecord; evaluations: readonly ValidatedEvaluation[] }>, runId: number): Promise<void>;
  writeSource(source: SourceUpdate): Promise<void>;
  source(url: string): Promise<StoredSource | undefined>;
  startRun(command: string): Promise<number>;
  finishRun(id: number, counts: RunCounts): Promise<void>;
  formCounts(): Promise<FormCounts>;
  /** A named run lock (see lock.ts): released by the caller, or the PID of the run holding it. */
  acquireLock(name: string): Promise<{ release: () => Promise<void> } | { heldBy: number }>;
  close(): Promise<void>;
}

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

/** The dataset `target` names, opened for reading and writing (created and brought up to date if need be). */
export async function openDataset(target: string, options: { busyTimeoutMs?: number } = {}): Promise<Dataset> {
  if (isPostgresUrl(target)) return (await import('./postgres.js')).openPostgres(target);
  const { SqliteDataset } = await import('./store.js');
  return SqliteDataset.open(target, options.busyTimeoutMs);
}
