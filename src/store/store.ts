import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import type { ValidatedEvaluation } from '../model/evaluation.js';
import type { DocumentRecord } from '../model/document.js';
import { FORMS_SINCE, KIN_SINCE, MIGRATIONS, SCHEMA, SCHEMA_VERSION } from './schema.js';
import { fillKin } from './forms.js';
import { KeyedTurns } from './turns.js';
import type { Dataset } from './dataset.js';
import { lockHolder, releaseLock, takeLock } from './lock.js';
import { sqliteReader, type Reader } from './reader.js';
import { driveSync, type Steps } from './sql.js';
import { crawlMemory, writePages } from './crawl-memory.js';
import type { CrawlMemory, PageVisit } from '../crawl/listings.js';
import { makeFolder } from '../pipeline/folders.js';
import {
  finishRun, formCounts, hasCurrent, linkUnlinked, source, startRun, updateSource, writeCrawled, writeDocument,
  type FormCounts, type RunCounts, type SourceUpdate, type StoredSource, type Written,
} from './writes.js';

export type { FormCounts, RunCounts, SourceUpdate, StoredSource, Written } from './writes.js';

/**
 * How long a writer waits for another process's write transaction to end, by default. Each
 * transaction holds one document, so real waits are milliseconds; a minute means the other side
 * is stuck.
 */
export const BUSY_TIMEOUT_MS = 60_000;

/** Another process held the database's write lock for longer than this one waits. */
export class DatabaseBusyError extends Error {
  override readonly name = 'DatabaseBusyError';
  constructor(path: string, waitedMs: number) {
    super(`${path} is busy: another process kept it locked for over ${waitedMs / 1000} s`);
  }
}

/**
 * The SQLite dataset. Synchronous and transaction-first: each document (its row, evaluations,
 * funding, indicators, flags) is written in one transaction, replacing what the same bytes
 * wrote before, so a re-run never duplicates and a crash never leaves half a document — and a
 * failed re-extraction never replaces good rows. Every write transaction begins IMMEDIATE (it
 * takes the write lock before reading), so several processes writing one database wait their
 * turn instead of failing with "database is locked".
 */
export class Store {
  readonly db: Database.Database;
  /** Prepared statements by their SQL: the writes run the same few statements for every document. */
  private readonly prepared = new Map<string, Database.Statement>();

  constructor(readonly path: string, private readonly busyTimeoutMs = BUSY_TIMEOUT_MS) {
    if (path !== ':memory:') makeFolder(dirname(path));
    this.db = new Database(path, { timeout: busyTimeoutMs });
    this.toWal();
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('synchronous = NORMAL');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`${path} was written by a newer zipin (schema ${version}); this one knows schema ${SCHEMA_VERSION}`);
    }
    // Migrations rebuild tables that others reference: foreign keys off while they run (SQLite
    // ignores the pragma inside a transaction), then the references checked.
    if (version > 0 && version < SCHEMA_VERSION) this.db.pragma('foreign_keys = OFF');
    this.immediate(() => {
      // Read again under the write lock: another process may have just created or migrated it.
      const now = this.db.pragma('user_version', { simple: true }) as number;
      if (now === 0) this.db.exec(SCHEMA);
      for (let v = Math.max(now, 1) + 1; now > 0 && v <= SCHEMA_VERSION; v++) this.db.exec(MIGRATIONS[v]!);
      // Evaluations written before forms were recorded are linked to theirs.
      if (now > 0 && now < KIN_SINCE) this.steps(fillKin());
      if (now > 0 && now < FORMS_SINCE) this.steps(linkUnlinked());
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    });
    if (version > 0 && version < SCHEMA_VERSION) {
      const broken = this.db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0) throw new Error(`${path}: migrating to schema ${SCHEMA_VERSION} left ${broken.length} broken references`);
      this.db.pragma('foreign_keys = ON');
    }
  }

  /**
   * The journal in WAL mode, set outside any transaction (SQLite refuses it inside one). Two
   * processes opening a new database at once can each hold the shared lock the other needs to
   * change the mode: SQLite then answers SQLITE_BUSY at once, without its busy handler, so the
   * change is tried again here until the busy timeout has passed.
   */
  private toWal(): void {
    const started = Date.now();
    for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
      try {
        this.db.pragma('journal_mode = WAL');
        return;
      } catch (error) {
        if (!(error as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw error;
        if (Date.now() - started >= this.busyTimeoutMs) throw new DatabaseBusyError(this.path, this.busyTimeoutMs);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
      }
    }
  }

  /** `steps` run here, synchronously, each statement prepared once (inside the caller's transaction, if any). */
  run<T>(steps: Steps<T>): T {
    return this.steps(steps);
  }

  private steps<T>(steps: Steps<T>): T {
    return driveSync(steps, ({ sql, params, want, only }) => {
      if (only === 'postgres') return undefined; // SQLite serialises its writers already
      let statement = this.prepared.get(sql);
      if (statement === undefined) {
        statement = this.db.prepare(sql);
        this.prepared.set(sql, statement);
      }
      return want === 'rows' ? statement.all(params) : want === 'row' ? statement.get(params) : statement.run(params);
    });
  }

  /**
   * Whether these bytes were already read well (ok or no_blocks) by this version of the pipeline:
   * reading them again would write the same rows.
   */
  hasCurrent(sha256: string, pipelineVersion: string): boolean {
    return this.steps(hasCurrent(sha256, pipelineVersion));
  }

  /** `fn` in one transaction that holds the write lock from its start (waits for other writers). */
  immediate<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw new DatabaseBusyError(this.path, this.busyTimeoutMs);
      throw error;
    }
  }

  /**
   * Write one document and everything found in it, in one transaction. A failure is recorded
   * in `failures` for `runId`; when the same bytes gave good rows before, those stay.
   */
  writeDocument(document: DocumentRecord, evaluations: readonly ValidatedEvaluation[], runId: number | null = null): Written {
    return this.immediate(() => this.steps(writeDocument(document, evaluations, runId)));
  }

  /**
   * What `crawl` writes for one fetched attachment, in one transaction: its documents (one, or an
   * archive's members) and their evaluations (current for its URL; earlier versions from that URL
   * stay, no longer current) and the source row saying what was fetched.
   */
  writeCrawled(source: SourceUpdate, results: ReadonlyArray<{ document: DocumentRecord; evaluations: readonly ValidatedEvaluation[] }>, runId: number): void {
    this.immediate(() => this.steps(writeCrawled(source, results, runId)));
  }

  /** A source seen but not (re-)extracted: unchanged, unsupported, disallowed or failed. */
  writeSource(source: SourceUpdate): void {
    this.immediate(() => this.steps(updateSource(source, null)));
  }

  /** The stored state of a source, for conditional requests and change detection. */
  source(url: string): StoredSource | undefined {
    return this.steps(source(url));
  }

  crawlMemory(): CrawlMemory {
    return this.steps(crawlMemory());
  }

  writePages(visits: readonly PageVisit[], checkedAt: string): void {
    this.immediate(() => this.steps(writePages(visits, checkedAt)));
  }

  startRun(command: string): number {
    return this.immediate(() => this.steps(startRun(command)));
  }

  finishRun(id: number, counts: RunCounts): void {
    this.immediate(() => this.steps(finishRun(id, counts)));
  }

  /** How many forms the dataset holds, and their copies. */
  formCounts(): FormCounts {
    return this.steps(formCounts());
  }

  close(): void {
    this.db.close();
  }
}

/** A SQLite dataset behind the Dataset interface: the Store's synchronous writes, each one transaction. */
export class SqliteDataset implements Dataset {
  private readonly reader: Reader;
  private readonly turns = new KeyedTurns();

  private constructor(readonly store: Store) {
    this.reader = sqliteReader(store.db);
  }

  static open(path: string, busyTimeoutMs?: number): SqliteDataset {
    return new SqliteDataset(new Store(path, busyTimeoutMs));
  }

  get where(): string {
    return this.store.path;
  }

  all(sql: string, ...params: unknown[]) {
    return this.reader.all(sql, ...params);
  }

  batches(sql: string, size: number) {
    return this.reader.batches(sql, size);
  }

  async hasCurrent(sha256: string, pipelineVersion: string) {
    return this.store.hasCurrent(sha256, pipelineVersion);
  }

  async writeDocument(document: DocumentRecord, evaluations: readonly ValidatedEvaluation[], runId: number | null = null) {
    return this.store.writeDocument(document, evaluations, runId);
  }

  async writeCrawled(source: SourceUpdate, results: ReadonlyArray<{ document: DocumentRecord; evaluations: readonly ValidatedEvaluation[] }>, runId: number) {
    this.store.writeCrawled(source, results, runId);
  }

  async writeSource(source: SourceUpdate) {
    this.store.writeSource(source);
  }

  async source(url: string) {
    return this.store.source(url);
  }

  async crawlMemory() {
    return this.store.crawlMemory();
  }

  async writePages(visits: readonly PageVisit[], checkedAt: string) {
    this.store.writePages(visits, checkedAt);
  }

  async startRun(command: string) {
    return this.store.startRun(command);
  }

  async finishRun(id: number, counts: RunCounts) {
    this.store.finishRun(id, counts);
  }

  async formCounts() {
    return this.store.formCounts();
  }

  async acquireLock(name: string): Promise<{ release: () => Promise<void> } | { heldBy: number }> {
    const mine = lockHolder(name);
    const held = this.store.immediate(() => this.store.run(takeLock(mine)));
    if (held !== null) return { heldBy: held };
    return { release: async () => { this.store.immediate(() => this.store.run(releaseLock(mine))); } };
  }

  exclusively<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.turns.run(key, fn);
  }

  async close() {
    this.store.close();
  }
}
