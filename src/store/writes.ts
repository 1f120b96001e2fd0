import type { LinkKind } from '../crawl/links.js';
import type { DocumentRecord } from '../model/document.js';
import type { ValidatedEvaluation } from '../model/evaluation.js';
import { copyRank, figuresFingerprint, figuresOf } from '../forms/copies.js';
import { formsOf, kinsToSettle, reconcileForm, settlePartial } from './forms.js';
import { lockFor, row, rows, run, type Steps } from './sql.js';

/**
 * Every write the dataset takes, as statements both engines run (see sql.ts): one document with
 * everything found in it, a crawled source, a run's row. Each is run in one transaction by the
 * engine's store.
 */

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
  /** The server's name for the file (Content-Disposition), decoded. */
  fileName?: string | null;
  /** A fingerprint of the records the current version gave (see crawl/records.ts). */
  recordsSha256?: string | null;
}

export interface StoredSource {
  url: string;
  sha256: string | null;
  recordsSha256: string | null;
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

const EVALUATION_COLUMNS = ['document_id', 'block_index', 'title', 'project_name', 'project_code', 'project_amount_yuan', 'supervising_dept',
  'implementing_unit', 'budget_unit', 'year', 'money_unit', 'money_unit_source', 'money_unit_confidence', 'goal_expected', 'goal_actual', 'total_weight',
  'total_score', 'total_score_raw', 'page_start', 'page_end', 'line_start', 'line_end', 'confidence', 'form_id', 'counted', 'copy_rank', 'figures_sha256'];
const FUNDING_COLUMNS = ['evaluation_id', 'line', 'initial_yuan', 'full_year_yuan', 'executed_yuan', 'weight', 'rate', 'rate_raw', 'score'];
const INDICATOR_COLUMNS = ['evaluation_id', 'seq', 'level1', 'level1_points', 'level1_code', 'level2', 'level2_code', 'name', 'target', 'target_op',
  'target_value', 'target_unit', 'actual', 'actual_op', 'actual_value', 'actual_unit', 'weight', 'score', 'deviation', 'line', 'page'];
const FLAG_COLUMNS = ['evaluation_id', 'indicator_seq', 'code', 'severity', 'message'];

/** Rows written at most this many a statement: few statements a document, and few shapes of statement to prepare. */
const ROWS_A_STATEMENT = 32;

/** INSERT statements by table and row count: each made once. */
const inserts = new Map<string, string>();

function insertSql(table: string, columns: readonly string[], count: number, returning: string | undefined): string {
  const key = `${table}:${count}:${returning ?? ''}`;
  let sql = inserts.get(key);
  if (sql === undefined) {
    const row = `(${columns.map(() => '?').join(', ')})`;
    sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: count }, () => row).join(', ')}${returning ? ` RETURNING ${returning}` : ''}`;
    inserts.set(key, sql);
  }
  return sql;
}

/** Rows into a table, a few statements' worth (RETURNING `returning` of each row, in no particular order). */
function* insertRows(table: string, columns: readonly string[], values: ReadonlyArray<readonly unknown[]>, returning?: string): Steps<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for (let k = 0; k < values.length; k += ROWS_A_STATEMENT) {
    const count = Math.min(ROWS_A_STATEMENT, values.length - k);
    const params: unknown[] = [];
    for (let r = k; r < k + count; r++) for (const v of values[r]!) params.push(v);
    const sql = insertSql(table, columns, count, returning);
    if (returning) out.push(...yield* rows<Record<string, unknown>>(sql, ...params));
    else yield* run(sql, ...params);
  }
  return out;
}

/** Whether these bytes were already read well (ok or no_blocks) by this pipeline version: reading them again would write the same rows. */
export function* hasCurrent(sha256: string, pipelineVersion: string): Steps<boolean> {
  return (yield* row(`SELECT id FROM documents WHERE sha256 = ? AND pipeline_version = ? AND status IN ('ok', 'no_blocks')`, sha256, pipelineVersion)) !== undefined;
}

/**
 * One document and everything found in it, replacing what the same bytes wrote before — but a
 * failure never replaces good rows: it is recorded in `failures` for `runId`, and those stay.
 * Each evaluation is linked to its form, and the forms it joined or left are reconciled.
 */
export function* writeDocument(document: DocumentRecord, evaluations: readonly ValidatedEvaluation[], runId: number | null): Steps<Written> {
  // Writers on other machines with the same bytes (or a file without any) take turns.
  yield* lockFor('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', document.sha256 ?? document.source);
  const existing = document.sha256 !== null
    ? yield* row<{ id: number; status: string }>('SELECT id, status FROM documents WHERE sha256 = ?', document.sha256)
    : yield* row<{ id: number; status: string }>('SELECT id, status FROM documents WHERE sha256 IS NULL AND source = ?', document.source);
  const failed = document.status === 'failed';
  const keep = failed && existing !== undefined && existing.status !== 'failed';
  if (failed && runId !== null) {
    yield* run('INSERT INTO failures (run_id, source, sha256, error, kept_document_id) VALUES (?, ?, ?, ?, ?)',
      runId, document.source, document.sha256, document.error ?? 'failed', keep ? existing.id : null);
  }
  if (keep) return { documentId: existing.id, kept: true };
  let documentId: number;
  const left: number[] = [];
  if (existing) {
    documentId = existing.id;
    left.push(...(yield* rows<{ form_id: number }>('SELECT DISTINCT form_id FROM evaluations WHERE document_id = ? AND form_id IS NOT NULL', documentId)).map((r) => r.form_id));
    yield* run(`UPDATE documents SET source = ?, format = ?, pages = ?, extracted_at = ?, pipeline_version = ?, status = ?, error = ?,
      url = coalesce(?, url), current = 1 WHERE id = ?`, document.source, document.format, document.pages, document.extractedAt,
    document.pipelineVersion, document.status, document.error, document.url, documentId);
    yield* run('DELETE FROM evaluations WHERE document_id = ?', documentId);
  } else {
    documentId = (yield* row<{ id: number }>(`INSERT INTO documents (sha256, source, format, pages, extracted_at, pipeline_version, status, error, url, current)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`, document.sha256, document.source, document.format, document.pages, document.extractedAt,
    document.pipelineVersion, document.status, document.error, document.url))!.id;
  }
  const forms = yield* formsOf(evaluations, document.sha256 ?? document.source);
  const ids = yield* insertRows('evaluations', EVALUATION_COLUMNS, evaluations.map((e, k) => [
    documentId, e.blockIndex, e.title, e.projectName, e.projectCode, e.projectAmountYuan, e.supervisingDept, e.implementingUnit, e.budgetUnit,
    e.year, e.moneyUnit, e.moneyUnitSource, e.moneyUnitConfidence, e.goalExpected, e.goalActual, e.totalWeight, e.totalScore, e.totalScoreRaw,
    e.pageStart, e.pageEnd, e.lineStart, e.lineEnd, e.confidence, forms[k]!.formId, forms[k]!.existing ? 0 : 1,
    copyRank(e.flags, document.sha256, e.blockIndex), figuresFingerprint(figuresOf(e)),
  ]), 'id, block_index');
  const idOf = new Map(ids.map((r) => [Number(r.block_index), Number(r.id)]));
  const evaluationId = (e: ValidatedEvaluation) => idOf.get(e.blockIndex)!;
  yield* insertRows('funding', FUNDING_COLUMNS, evaluations.flatMap((e) => e.funding.map((f) => [
    evaluationId(e), f.line, f.initialYuan, f.fullYearYuan, f.executedYuan, f.weight, f.rate, f.rateRaw, f.score,
  ])));
  yield* insertRows('indicators', INDICATOR_COLUMNS, evaluations.flatMap((e) => e.indicators.map((i) => [
    evaluationId(e), i.seq, i.level1, i.level1Points, i.level1Code, i.level2, i.level2Code, i.name, i.target, i.targetOp, i.targetValue, i.targetUnit,
    i.actual, i.actualOp, i.actualValue, i.actualUnit, i.weight, i.score, i.deviation, i.line, i.page,
  ])));
  yield* insertRows('flags', FLAG_COLUMNS, evaluations.flatMap((e) => e.flags.map((f) => [evaluationId(e), f.indicatorSeq, f.code, f.severity, f.message])));
  const gained = forms.filter((f) => f.existing).map((f) => f.formId);
  // Copies that lack their year or unit go with the one form that has it, whichever came first (kins in one order too).
  const settled: number[] = [];
  for (const kin of yield* kinsToSettle([...new Set([...forms.map((f) => f.formId), ...left])])) settled.push(...yield* settlePartial(kin));
  // In ascending order: concurrent writers lock the forms they reconcile in one order, and never deadlock.
  for (const formId of [...new Set([...left, ...gained, ...settled])].sort((a, b) => a - b)) yield* reconcileForm(formId);
  return { documentId, kept: false };
}

/**
 * What `crawl` writes for one fetched attachment: its documents (one, or an archive's members)
 * and their evaluations — current for its URL; earlier versions from that URL stay, no longer
 * current, and their forms count the new copies instead — and the source row.
 */
export function* writeCrawled(source: SourceUpdate, results: ReadonlyArray<{ document: DocumentRecord; evaluations: readonly ValidatedEvaluation[] }>, runId: number): Steps<void> {
  yield* lockFor('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', source.url);
  const superseded = (yield* rows<{ form_id: number }>(`SELECT DISTINCT e.form_id FROM evaluations e JOIN documents d ON d.id = e.document_id
    WHERE d.url = ? AND d.current = 1 AND e.form_id IS NOT NULL`, source.url)).map((r) => r.form_id);
  yield* run('UPDATE documents SET current = 0 WHERE url = ?', source.url);
  const ids: number[] = [];
  for (const r of results) ids.push((yield* writeDocument(r.document, r.evaluations, runId)).documentId);
  for (const formId of superseded.sort((a, b) => a - b)) yield* reconcileForm(formId);
  yield* updateSource(source, ids[0] ?? null);
}

/** A source seen (its row added or brought up to date), and the document its current bytes produced. */
export function* updateSource(source: SourceUpdate, documentId: number | null): Steps<void> {
  const s = {
    etag: null, lastModified: null, sha256: null, bytes: null, httpStatus: null, contentType: null, error: null, foundOn: null, fileName: null,
    recordsSha256: null, ...source,
  };
  const changed = s.changed ? 1 : 0;
  yield* run(`INSERT INTO sources (url, kind, found_on, first_seen, last_checked, last_changed, etag, last_modified, sha256, bytes,
      http_status, content_type, status, error, document_id, file_name, records_sha256)
    VALUES (?, ?, ?, ?, ?, CASE WHEN ? = 1 THEN ? END, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (url) DO UPDATE SET kind = excluded.kind, found_on = coalesce(excluded.found_on, sources.found_on),
      last_checked = excluded.last_checked,
      last_changed = CASE WHEN ? = 1 THEN excluded.last_checked ELSE sources.last_changed END,
      etag = coalesce(excluded.etag, sources.etag), last_modified = coalesce(excluded.last_modified, sources.last_modified),
      sha256 = coalesce(excluded.sha256, sources.sha256), bytes = coalesce(excluded.bytes, sources.bytes),
      http_status = excluded.http_status, content_type = coalesce(excluded.content_type, sources.content_type),
      status = excluded.status, error = excluded.error, document_id = coalesce(excluded.document_id, sources.document_id),
      file_name = coalesce(excluded.file_name, sources.file_name), records_sha256 = coalesce(excluded.records_sha256, sources.records_sha256)`,
  s.url, s.kind, s.foundOn, s.checkedAt, s.checkedAt, changed, s.checkedAt, s.etag, s.lastModified, s.sha256, s.bytes, s.httpStatus, s.contentType,
  s.status, s.error, documentId, s.fileName, s.recordsSha256, changed);
}

/** The stored state of a source, for conditional requests and change detection. */
export function* source(url: string): Steps<StoredSource | undefined> {
  return yield* row<StoredSource>(`SELECT url, sha256, records_sha256 AS "recordsSha256", etag, last_modified AS "lastModified",
    document_id AS "documentId", status, error FROM sources WHERE url = ?`, url);
}

export function* startRun(command: string): Steps<number> {
  return (yield* row<{ id: number }>('INSERT INTO runs (started_at, command) VALUES (?, ?) RETURNING id', new Date().toISOString(), command))!.id;
}

export function* finishRun(id: number, counts: RunCounts): Steps<void> {
  const c = { documentsKept: 0, documentsUnchanged: 0, sourcesSeen: 0, sourcesNew: 0, sourcesChanged: 0, sourcesFailed: 0, ...counts };
  yield* run(`UPDATE runs SET finished_at = ?, documents_seen = ?, documents_ok = ?, documents_failed = ?, documents_kept = ?, documents_unchanged = ?,
    evaluations_written = ?, sources_seen = ?, sources_new = ?, sources_changed = ?, sources_failed = ? WHERE id = ?`,
  new Date().toISOString(), c.documentsSeen, c.documentsOk, c.documentsFailed, c.documentsKept, c.documentsUnchanged, c.evaluationsWritten,
  c.sourcesSeen, c.sourcesNew, c.sourcesChanged, c.sourcesFailed, id);
}

/** The dataset's forms: how many, how many copies of them beyond the first, and how many whose copies disagree. */
export interface FormCounts {
  forms: number;
  moreCopies: number;
  disagreeing: number;
}

export function* formCounts(): Steps<FormCounts> {
  const r = (yield* row<{ forms: number; copies: number | null; disagreeing: number }>('SELECT count(*) AS forms, sum(copies) AS copies, count(disagreement) AS disagreeing FROM forms'))!;
  return { forms: Number(r.forms), moreCopies: Number(r.copies ?? 0) - Number(r.forms), disagreeing: Number(r.disagreeing) };
}

/** Link evaluations written before forms were recorded (a migrated dataset) to their forms, document by document. */
export function* linkUnlinked(): Steps<number> {
  const documents = yield* rows<{ document_id: number; sha256: string | null; source: string }>(`SELECT DISTINCT e.document_id, d.sha256, d.source
    FROM evaluations e JOIN documents d ON d.id = e.document_id WHERE e.form_id IS NULL ORDER BY e.document_id`);
  const touched = new Set<number>();
  for (const d of documents) {
    const unlinked = yield* rows<{ id: number; block_index: number; year: number | null; supervising_dept: string | null; budget_unit: string | null;
      implementing_unit: string | null; project_code: string | null; project_name: string | null }>(`SELECT id, block_index, year, supervising_dept,
      budget_unit, implementing_unit, project_code, project_name FROM evaluations WHERE document_id = ? ORDER BY block_index`, d.document_id);
    const forms = yield* formsOf(unlinked.map((e) => ({
      blockIndex: e.block_index, year: e.year, supervisingDept: e.supervising_dept, budgetUnit: e.budget_unit,
      implementingUnit: e.implementing_unit, projectCode: e.project_code, projectName: e.project_name,
    })), d.sha256 ?? d.source);
    for (const [k, e] of unlinked.entries()) {
      yield* run('UPDATE evaluations SET form_id = ?, counted = ? WHERE id = ?', forms[k]!.formId, forms[k]!.existing ? 0 : 1, e.id);
      if (forms[k]!.existing) touched.add(forms[k]!.formId);
    }
  }
  for (const formId of touched) yield* reconcileForm(formId);
  return documents.length;
}
