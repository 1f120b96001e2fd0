import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LinkKind } from '../crawl/links.js';
import type { ValidatedEvaluation } from '../model/evaluation.js';
import type { DocumentRecord } from '../model/document.js';
import { MIGRATIONS, SCHEMA, SCHEMA_VERSION } from './schema.js';

/** What a crawl learnt about one attachment URL. */
export interface SourceUpdate {
  url: string;
  /** By the link (`page`: an article page holding a form). */
  kind: LinkKind;
  foundOn?: string | null;
  checkedAt: string;
  /** The bytes differ from what this URL served before (or it is new). */
  changed: boolean;
  status: 'new' | 'changed' | 'unchanged' | 'failed' | 'unsupported' | 'disallowed';
  etag?: string | null;
  lastModified?: string | null;
  sha256?: string | null;
  bytes?: number | null;
  httpStatus?: number | null;
  contentType?: string | null;
  error?: string | null;
}

export interface StoredSource {
  url: string;
  sha256: string | null;
  etag: string | null;
  lastModified: string | null;
  documentId: number | null;
  status: string;
  error: string | null;
}

export interface RunCounts {
  documentsSeen: number;
  documentsOk: number;
  documentsFailed: number;
  /** Failed documents whose earlier good rows (same bytes) were kept. */
  documentsKept?: number;
  /** Files skipped because their bytes were already read by this pipeline version. */
  documentsUnchanged?: number;
  evaluationsWritten: number;
  sourcesSeen?: number;
  sourcesNew?: number;
  sourcesChanged?: number;
  sourcesFailed?: number;
}

/** What writing one document did. */
export interface Written {
  documentId: number;
  /** The document failed, and the good rows its bytes gave before were kept instead. */
  kept: boolean;
}

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
  private readonly statements;

  constructor(readonly path: string, private readonly busyTimeoutMs = BUSY_TIMEOUT_MS) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path, { timeout: busyTimeoutMs });
    try {
      this.db.pragma('journal_mode = WAL'); // not inside a transaction: SQLite refuses that
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw new DatabaseBusyError(path, busyTimeoutMs);
      throw error;
    }
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
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    });
    if (version > 0 && version < SCHEMA_VERSION) {
      const broken = this.db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0) throw new Error(`${path}: migrating to schema ${SCHEMA_VERSION} left ${broken.length} broken references`);
      this.db.pragma('foreign_keys = ON');
    }
    const db = this.db;
    this.statements = {
      findBySha: db.prepare<[string], { id: number; status: string }>('SELECT id, status FROM documents WHERE sha256 = ?'),
      findCurrent: db.prepare<[string, string], { id: number }>(`SELECT id FROM documents WHERE sha256 = ? AND pipeline_version = ?
        AND status IN ('ok', 'no_blocks')`),
      findUnhashed: db.prepare<[string], { id: number; status: string }>('SELECT id, status FROM documents WHERE sha256 IS NULL AND source = ?'),
      insertFailure: db.prepare('INSERT INTO failures (run_id, source, sha256, error, kept_document_id) VALUES (?, ?, ?, ?, ?)'),
      insertDocument: db.prepare(`INSERT INTO documents (sha256, source, format, pages, extracted_at, pipeline_version, status, error, url, current)
        VALUES (@sha256, @source, @format, @pages, @extractedAt, @pipelineVersion, @status, @error, @url, 1)`),
      updateDocument: db.prepare(`UPDATE documents SET source = @source, format = @format, pages = @pages, extracted_at = @extractedAt,
        pipeline_version = @pipelineVersion, status = @status, error = @error, url = coalesce(@url, url), current = 1 WHERE id = @id`),
      deleteEvaluations: db.prepare('DELETE FROM evaluations WHERE document_id = ?'),
      insertEvaluation: db.prepare(`INSERT INTO evaluations (document_id, block_index, title, project_name, project_code,
        project_amount_yuan, supervising_dept, implementing_unit, budget_unit, year, money_unit, money_unit_source, money_unit_confidence,
        goal_expected, goal_actual, total_weight, total_score, total_score_raw, page_start, page_end, line_start, line_end, confidence)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      insertFunding: db.prepare(`INSERT INTO funding (evaluation_id, line, initial_yuan, full_year_yuan, executed_yuan, weight, rate, rate_raw, score)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      insertIndicator: db.prepare(`INSERT INTO indicators (evaluation_id, seq, level1, level1_points, level1_code, level2, level2_code,
        name, target, target_op, target_value, target_unit, actual, actual_op, actual_value, actual_unit, weight, score, deviation, line, page)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      insertFlag: db.prepare('INSERT INTO flags (evaluation_id, indicator_seq, code, severity, message) VALUES (?, ?, ?, ?, ?)'),
      startRun: db.prepare('INSERT INTO runs (started_at, command) VALUES (?, ?)'),
      supersede: db.prepare('UPDATE documents SET current = 0 WHERE url = ?'),
      selectSource: db.prepare<[string], StoredSource>(`SELECT url, sha256, etag, last_modified AS lastModified, document_id AS documentId, status, error
      FROM sources WHERE url = ?`),
      upsertSource: db.prepare(`INSERT INTO sources (url, kind, found_on, first_seen, last_checked, last_changed, etag, last_modified, sha256, bytes,
        http_status, content_type, status, error, document_id)
      VALUES (@url, @kind, @foundOn, @checkedAt, @checkedAt, CASE WHEN @changed THEN @checkedAt END, @etag, @lastModified, @sha256, @bytes,
        @httpStatus, @contentType, @status, @error, @documentId)
      ON CONFLICT (url) DO UPDATE SET kind = excluded.kind, found_on = coalesce(excluded.found_on, found_on),
        last_checked = excluded.last_checked,
        last_changed = CASE WHEN @changed THEN excluded.last_checked ELSE last_changed END,
        etag = coalesce(excluded.etag, etag), last_modified = coalesce(excluded.last_modified, last_modified),
        sha256 = coalesce(excluded.sha256, sha256), bytes = coalesce(excluded.bytes, bytes),
        http_status = excluded.http_status, content_type = coalesce(excluded.content_type, content_type),
        status = excluded.status, error = excluded.error, document_id = coalesce(excluded.document_id, document_id)`),
      finishRun: db.prepare(`UPDATE runs SET finished_at = @finishedAt, documents_seen = @documentsSeen, documents_ok = @documentsOk,
        documents_failed = @documentsFailed, documents_kept = @documentsKept, documents_unchanged = @documentsUnchanged, evaluations_written = @evaluationsWritten, sources_seen = @sourcesSeen,
        sources_new = @sourcesNew, sources_changed = @sourcesChanged, sources_failed = @sourcesFailed WHERE id = @id`),
    };
  }

  /**
   * Whether these bytes were already read well (ok or no_blocks) by this version of the pipeline:
   * reading them again would write the same rows.
   */
  hasCurrent(sha256: string, pipelineVersion: string): boolean {
    return this.statements.findCurrent.get(sha256, pipelineVersion) !== undefined;
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
    return this.immediate(() => this.writeDocumentRows(document, evaluations, runId));
  }

  /** The rows of one document, inside the caller's transaction. */
  private writeDocumentRows(document: DocumentRecord, evaluations: readonly ValidatedEvaluation[], runId: number | null): Written {
    const s = this.statements;
    const existing = document.sha256 !== null ? s.findBySha.get(document.sha256) : s.findUnhashed.get(document.source);
    const failed = document.status === 'failed';
    const keep = failed && existing !== undefined && existing.status !== 'failed';
    if (failed && runId !== null) s.insertFailure.run(runId, document.source, document.sha256, document.error ?? 'failed', keep ? existing.id : null);
    if (keep) return { documentId: existing.id, kept: true };
    let documentId: number;
    if (existing) {
      documentId = existing.id;
      s.updateDocument.run({ ...document, id: documentId });
      s.deleteEvaluations.run(documentId);
    } else {
      documentId = Number(s.insertDocument.run(document).lastInsertRowid);
    }
    // Positional parameters: this loop writes most of the rows of a run.
    for (const e of evaluations) {
      const evaluationId = Number(s.insertEvaluation.run(
        documentId, e.blockIndex, e.title, e.projectName, e.projectCode, e.projectAmountYuan, e.supervisingDept,
        e.implementingUnit, e.budgetUnit, e.year, e.moneyUnit, e.moneyUnitSource, e.moneyUnitConfidence, e.goalExpected, e.goalActual, e.totalWeight, e.totalScore,
        e.totalScoreRaw, e.pageStart, e.pageEnd, e.lineStart, e.lineEnd, e.confidence,
      ).lastInsertRowid);
      for (const f of e.funding) {
        s.insertFunding.run(evaluationId, f.line, f.initialYuan, f.fullYearYuan, f.executedYuan, f.weight, f.rate, f.rateRaw, f.score);
      }
      for (const i of e.indicators) {
        s.insertIndicator.run(evaluationId, i.seq, i.level1, i.level1Points, i.level1Code, i.level2, i.level2Code, i.name,
          i.target, i.targetOp, i.targetValue, i.targetUnit, i.actual, i.actualOp, i.actualValue, i.actualUnit, i.weight,
          i.score, i.deviation, i.line, i.page);
      }
      for (const f of e.flags) s.insertFlag.run(evaluationId, f.indicatorSeq, f.code, f.severity, f.message);
    }
    return { documentId, kept: false };
  }

  /**
   * What `crawl` writes for one fetched attachment, in one transaction: its documents (one, or an
   * archive's members) and their evaluations (current for its URL; earlier versions from that URL
   * stay, no longer current)
   * and the source row saying what was fetched.
   */
  writeCrawled(source: SourceUpdate, results: ReadonlyArray<{ document: DocumentRecord; evaluations: readonly ValidatedEvaluation[] }>, runId: number): void {
    this.immediate(() => {
      // What the URL served before is no longer current; what it serves now (an archive: every member) is.
      this.statements.supersede.run(source.url);
      const ids = results.map((r) => this.writeDocumentRows(r.document, r.evaluations, runId).documentId);
      this.updateSource(source, ids[0] ?? null);
    });
  }

  /** A source seen but not (re-)extracted: unchanged, unsupported, disallowed or failed. */
  writeSource(source: SourceUpdate): void {
    this.immediate(() => this.updateSource(source, null));
  }

  private updateSource(source: SourceUpdate, documentId: number | null): void {
    this.statements.upsertSource.run({
      etag: null, lastModified: null, sha256: null, bytes: null, httpStatus: null, contentType: null, error: null, foundOn: null,
      ...source, changed: source.changed ? 1 : 0, documentId,
    });
  }

  /** The stored state of a source, for conditional requests and change detection. */
  source(url: string): StoredSource | undefined {
    return this.statements.selectSource.get(url);
  }

  startRun(command: string): number {
    return this.immediate(() => Number(this.statements.startRun.run(new Date().toISOString(), command).lastInsertRowid));
  }

  finishRun(id: number, counts: RunCounts): void {
    this.immediate(() => this.statements.finishRun.run({
      id, finishedAt: new Date().toISOString(), documentsKept: 0, documentsUnchanged: 0, sourcesSeen: 0, sourcesNew: 0, sourcesChanged: 0, sourcesFailed: 0, ...counts,
    }));
  }

  close(): void {
    this.db.close();
  }
}
