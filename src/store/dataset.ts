import type { CrawlMemory, PageVisit } from '../crawl/listings.js';
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
  /** What a crawl needs of earlier runs: the pages and sources they saw, failed pages, listings' last full walks. */
  crawlMemory(): Promise<CrawlMemory>;
  /** The pages a walk fetched, in one transaction. */
  writePages(visits: readonly PageVisit[], checkedAt: string): Promise<void>;
  startRun(command: string): Promise<number>;
  finishRun(id: number, counts: RunCounts): Promise<void>;
  formCounts(): Promise<FormCounts>;
  /** A named run lock (see lock.ts): released by the caller, or the PID of the run holding it. */
  acquireLock(name: string): Promise<{ release: () => Promise<void> } | { heldBy: number }>;
  /**
   * `fn` while no other holder of `key` runs — in this process, and on PostgreSQL in every
   * process on the database (a session lock on a connection of its own, gone with the connection
   * when a worker dies): the same URL or the same bytes are never read twice at once.
   */
  exclusively<T>(key: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
