import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processDocument, unreadableDocument } from '../src/pipeline/process.js';
import { Store } from '../src/store/store.js';
import { SCHEMA_VERSION } from '../src/store/schema.js';
import { PIPELINE_VERSION } from '../src/version.js';
import { corpusFile, DOCS, tempDir } from './helpers.js';

const count = (db: Database.Database, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

/** A new database file holding one corpus document, written the way extract writes it. */
async function storeWith(name: string): Promise<string> {
  const path = join(tempDir(), 'z.sqlite');
  const store = new Store(path);
  const result = await processDocument(readFileSync(corpusFile(name)), `corpus/${name}`);
  store.writeDocument(result.document, result.evaluations);
  store.close();
  return path;
}

describe('Store', () => {
  it('writes a document with its evaluations, funding, indicators and flags', async () => {
    const path = await storeWith(DOCS.shuju);
    const db = new Database(path, { readonly: true });
    expect([count(db, 'documents'), count(db, 'evaluations'), count(db, 'funding'), count(db, 'indicators')]).toEqual([1, 9, 36, 118]);
    const row = db.prepare(`SELECT e.project_name, e.total_score_raw, e.confidence, d.status, d.format, d.pipeline_version
      FROM evaluations e JOIN documents d ON d.id = e.document_id WHERE e.block_index = 8`).get();
    expect(row).toEqual({ project_name: '信息安全管理（综合）', total_score_raw: '#REF!', confidence: 'low', status: 'ok', format: 'text', pipeline_version: PIPELINE_VERSION });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('replaces what the same bytes wrote before, never duplicating', async () => {
    const path = join(tempDir(), 'z.sqlite');
    const bytes = readFileSync(corpusFile(DOCS.guihua));
    for (let i = 0; i < 3; i++) {
      const store = new Store(path);
      const result = await processDocument(bytes, `copy-${i}.txt`);
      store.writeDocument(result.document, result.evaluations);
      store.close();
    }
    const db = new Database(path, { readonly: true });
    expect([count(db, 'documents'), count(db, 'evaluations'), count(db, 'flags')]).toEqual([1, 8, 19]); // 8 of them year_inferred
    expect(db.prepare('SELECT source FROM documents').get()).toEqual({ source: 'copy-2.txt' });
    db.close();
  });

  it('records failures: bad bytes by hash, unreadable paths by source — once each', async () => {
    const path = join(tempDir(), 'z.sqlite');
    const store = new Store(path);
    for (let i = 0; i < 2; i++) {
      const bad = await processDocument(new Uint8Array(), 'empty.txt');
      store.writeDocument(bad.document, bad.evaluations);
      const missing = unreadableDocument('gone.txt', Object.assign(new Error('ENOENT'), { code: 'ENOENT' }));
      store.writeDocument(missing.document, missing.evaluations);
    }
    const rows = store.db.prepare('SELECT source, status, error, sha256 IS NULL AS unhashed FROM documents ORDER BY id').all();
    expect(rows).toEqual([
      { source: 'empty.txt', status: 'failed', error: 'empty file (0 bytes)', unhashed: 0 },
      { source: 'gone.txt', status: 'failed', error: 'cannot read file: no such file', unhashed: 1 },
    ]);
    store.close();
  });

  it('rolls a document back whole when a write fails half-way', async () => {
    const store = new Store(':memory:');
    const result = await processDocument(readFileSync(corpusFile(DOCS.guihua)), 'g.txt');
    const broken = structuredClone(result.evaluations);
    (broken[3]!.indicators[0] as { seq: number }).seq = broken[3]!.indicators[1]!.seq; // duplicate primary key
    expect(() => store.writeDocument(result.document, broken)).toThrow();
    expect([count(store.db, 'documents'), count(store.db, 'evaluations')]).toEqual([0, 0]);
    store.close();
  });
});

/** What version 4 added besides the wider documents.format: the runs column and the judgement views. */
/**
 * What schema 6 added, taken out again: the forms, and on evaluations where their money unit came
 * from, how sure it is, their form and whether they are its counted copy (the table is rebuilt
 * without them: SQLite drops no column a foreign key is declared on). The views go with them.
 */
function v6Additions(db: Database.Database): string {
  const columns = (db.prepare("SELECT name FROM pragma_table_info('evaluations')").all() as Array<{ name: string }>).map((c) => c.name)
    .filter((c) => !['money_unit_source', 'money_unit_confidence', 'form_id', 'counted'].includes(c));
  const sql = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'evaluations'").get() as { sql: string }).sql.replace('evaluations', 'evaluations_old')
    .split('\n').filter((l) => !/^\s*(money_unit_source|money_unit_confidence|form_id|counted)\s/.test(l)).join('\n');
  db.pragma('foreign_keys = OFF');
  return `DROP VIEW evaluation_judgements; DROP VIEW shortfalls; DROP VIEW judgements; DROP VIEW form_sources; DROP VIEW projects; DROP VIEW series_links;
    ${sql}; INSERT INTO evaluations_old SELECT ${columns.join(', ')} FROM evaluations; DROP TABLE evaluations; ALTER TABLE evaluations_old RENAME TO evaluations;
    DROP TABLE forms;`;
}
const V4_ADDITIONS = 'ALTER TABLE runs DROP COLUMN documents_unchanged;';

/** What schema 8 added, taken out again: each copy's rank and figures fingerprint, each form's kin. */
const V8_ADDITIONS = `ALTER TABLE evaluations DROP COLUMN copy_rank; ALTER TABLE evaluations DROP COLUMN figures_sha256;
  DROP INDEX forms_kin; ALTER TABLE forms DROP COLUMN kin;`;

/** What schema 7 added, taken out again: the pages table, and the sources' file names, record fingerprints and `ofd` kind. */
function v7Additions(db: Database.Database): string {
  const sql = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'sources'").get() as { sql: string }).sql.replace('sources', 'sources_old')
    .replace(", 'ofd'", '').split('\n').filter((l) => !/^\s*(file_name|records_sha256)\s/.test(l)).join('\n').replace(/,\s*\)\s*$/, '\n)');
  db.pragma('foreign_keys = OFF');
  return `DROP TABLE pages; ${sql}; INSERT INTO sources_old SELECT id, url, kind, found_on, first_seen, last_checked, last_changed, etag, last_modified, sha256,
    bytes, http_status, content_type, status, error, document_id FROM sources; DROP TABLE sources; ALTER TABLE sources_old RENAME TO sources;
    CREATE INDEX sources_document ON sources (document_id);`;
}

/** SQL that gives the documents table the CHECK an older version wrote: only `formats`. */
function narrowerDocuments(db: Database.Database, formats: readonly string[]): string {
  const sql = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'documents'").get() as { sql: string }).sql
    .replace('documents', 'documents_old').replace(/format IN \([^)]*\)/, `format IN (${formats.map((f) => `'${f}'`).join(', ')})`);
  db.pragma('foreign_keys = OFF');
  return `${sql}; INSERT INTO documents_old SELECT * FROM documents; DROP TABLE documents; ALTER TABLE documents_old RENAME TO documents;`;
}

/** A document row of one format, as a migrated table must now take it. */
const addDocument = (db: Database.Database, format: string) =>
  db.prepare("INSERT INTO documents (source, format, extracted_at, pipeline_version, status) VALUES (?, ?, '', '', 'ok')").run(`x.${format}`, format);

describe('schema versions', () => {
  it('migrates a version-1 database in place, keeping its rows', async () => {
    const path = await storeWith(DOCS.guihua);
    // Take it back to what zipin 0.1 wrote: no crawl columns, no sources table.
    const old = new Database(path);
    old.exec(V8_ADDITIONS);
    old.exec(`${v7Additions(old)} ${v6Additions(old)} DROP INDEX documents_url; ALTER TABLE documents DROP COLUMN url; ALTER TABLE documents DROP COLUMN current;
      DROP TABLE sources; ALTER TABLE runs DROP COLUMN sources_seen; ALTER TABLE runs DROP COLUMN sources_new;
      ALTER TABLE runs DROP COLUMN sources_changed; ALTER TABLE runs DROP COLUMN sources_failed;
      DROP TABLE failures; DROP TABLE locks; ALTER TABLE runs DROP COLUMN documents_kept; ${V4_ADDITIONS} PRAGMA user_version = 1;`);
    old.close();
    const reopened = new Store(path);
    expect(reopened.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect([count(reopened.db, 'failures'), count(reopened.db, 'locks')]).toEqual([0, 0]);
    expect(reopened.db.prepare('SELECT count(*) AS n, min(current) AS current FROM documents').get()).toEqual({ n: 1, current: 1 });
    expect(count(reopened.db, 'evaluations')).toBe(8);
    expect(count(reopened.db, 'sources')).toBe(0);
    reopened.close();
  });

  it('migrates a version-2 database: failures, locks and runs.documents_kept are added', async () => {
    const path = await storeWith(DOCS.guihua);
    const old = new Database(path);
    old.exec(V8_ADDITIONS);
    old.exec(`${v7Additions(old)} ${v6Additions(old)} DROP TABLE failures; DROP TABLE locks; ALTER TABLE runs DROP COLUMN documents_kept; ${V4_ADDITIONS} PRAGMA user_version = 2;`);
    old.close();
    const reopened = new Store(path);
    expect(reopened.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(reopened.db.prepare("SELECT count(*) AS n FROM pragma_table_info('runs') WHERE name = 'documents_kept'").get()).toEqual({ n: 1 });
    expect(count(reopened.db, 'evaluations')).toBe(8);
    // The rebuilt tables take the new kinds, and their children still hang on them.
    reopened.db.prepare("INSERT INTO documents (source, format, extracted_at, pipeline_version, status) VALUES ('x.xlsx', 'xlsx', '', '', 'ok')").run();
    const evaluation = reopened.db.prepare('SELECT id FROM evaluations LIMIT 1').get() as { id: number };
    reopened.db.prepare("INSERT INTO funding (evaluation_id, line) VALUES (?, 'special')").run(evaluation.id);
    expect(reopened.db.pragma('foreign_keys', { simple: true })).toBe(1);
    reopened.db.exec('DELETE FROM documents WHERE format = \'text\'');
    expect([count(reopened.db, 'evaluations'), count(reopened.db, 'funding')]).toEqual([0, 0]); // cascades as before
    reopened.close();
  });

  it('migrates a version-3 database: documents take the Word 97 format', async () => {
    const path = await storeWith(DOCS.guihua);
    const old = new Database(path);
    old.exec(V8_ADDITIONS);
    // The documents table as version 3 wrote it, with its narrower CHECK.
    old.exec(`${v7Additions(old)} ${v6Additions(old)} ${narrowerDocuments(old, ['text', 'pdf', 'xlsx', 'xls', 'html', 'docx'])}
      ${V4_ADDITIONS} PRAGMA user_version = 3;`);
    expect(() => addDocument(old, 'doc')).toThrow(/CHECK/);
    old.close();
    const reopened = new Store(path);
    expect(reopened.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    addDocument(reopened.db, 'doc');
    expect(count(reopened.db, 'evaluations')).toBe(8);
    expect(count(reopened.db, 'shortfalls')).toBe(4); // the views are there
    expect(reopened.db.prepare("SELECT count(*) AS n FROM pragma_table_info('runs') WHERE name = 'documents_unchanged'").get()).toEqual({ n: 1 });
    reopened.db.exec('DELETE FROM documents WHERE format = \'text\'');
    expect(count(reopened.db, 'evaluations')).toBe(0); // the children still hang on the rebuilt table
    reopened.close();
  });

  it('migrates a version-4 database: documents take scanned images', async () => {
    const path = await storeWith(DOCS.guihua);
    const old = new Database(path);
    old.exec(V8_ADDITIONS);
    old.exec(`${v7Additions(old)} ${v6Additions(old)} ${narrowerDocuments(old, ['text', 'pdf', 'xlsx', 'xls', 'html', 'docx', 'doc'])} PRAGMA user_version = 4;`);
    expect(() => addDocument(old, 'image')).toThrow(/CHECK/);
    old.close();
    const reopened = new Store(path);
    expect(reopened.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    addDocument(reopened.db, 'image');
    expect(count(reopened.db, 'evaluations')).toBe(8);
    expect(count(reopened.db, 'shortfalls')).toBe(4);
    reopened.close();
  });

  it('migrates a version-5 database: evaluations say where their money unit came from (unknown for rows written before), and are linked to their forms', async () => {
    const path = await storeWith(DOCS.guihua);
    const old = new Database(path);
    old.exec(V8_ADDITIONS);
    old.exec(`${v7Additions(old)} ${v6Additions(old)} PRAGMA user_version = 5;`);
    old.close();
    const reopened = new Store(path);
    expect(reopened.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(reopened.db.prepare('SELECT count(*) AS n, count(money_unit_source) AS known, count(form_id) AS linked, sum(counted) AS counted FROM evaluations').get())
      .toEqual({ n: 8, known: 0, linked: 8, counted: 8 });
    expect(count(reopened.db, 'forms')).toBe(8);
    expect(count(reopened.db, 'judgements')).toBeGreaterThan(0);
    reopened.close();
  });

  it('migrates a version-6 database: sources keep their rows and take file names and record fingerprints; pages are recorded', async () => {
    const path = await storeWith(DOCS.guihua);
    const old = new Database(path);
    old.exec(V8_ADDITIONS);
    old.exec(`${v7Additions(old)} PRAGMA user_version = 6;`);
    old.prepare(`INSERT INTO sources (url, kind, first_seen, status, document_id) VALUES ('http://h.test/a.pdf', 'pdf', '2024-01-01', 'new', 1)`).run();
    old.close();
    const reopened = new Store(path);
    expect(reopened.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(reopened.db.prepare('SELECT url, kind, status, document_id, file_name, records_sha256 FROM sources').all()).toEqual([
      { url: 'http://h.test/a.pdf', kind: 'pdf', status: 'new', document_id: 1, file_name: null, records_sha256: null },
    ]);
    reopened.db.prepare(`INSERT INTO sources (url, kind, first_seen, status) VALUES ('http://h.test/b.ofd', 'ofd', '2024-01-01', 'new')`).run();
    reopened.writePages([{ url: 'http://h.test/l/', foundOn: null, status: 'ok', error: null, httpStatus: 200, fullWalk: true }], '2024-02-01T00:00:00Z');
    expect(reopened.crawlMemory().fullWalks).toEqual(new Map([['http://h.test/l/', '2024-02-01T00:00:00Z']]));
    reopened.close();
  });

  it('migrates a version-7 database: copies written before ranks get theirs when their form next changes, and the same copy is counted', async () => {
    const text = readFileSync(corpusFile(DOCS.guihua), 'utf8');
    const copy = async (store: Store, k: number) => {
      const result = await processDocument(Buffer.from(`${text}\n（第 ${k} 份）\n`), `copy-${k}.txt`);
      store.writeDocument(result.document, result.evaluations);
    };
    const path = join(tempDir(), 'z.sqlite');
    const fresh = new Store(path);
    for (const k of [1, 2, 3]) await copy(fresh, k);
    const expected = fresh.db.prepare('SELECT e.block_index, d.source FROM evaluations e JOIN documents d ON d.id = e.document_id WHERE e.counted = 1 ORDER BY 1').all();
    fresh.db.prepare("DELETE FROM documents WHERE source = 'copy-3.txt'").run();
    fresh.close();
    const old = new Database(path);
    old.exec(`${V8_ADDITIONS} PRAGMA user_version = 7;`);
    old.close();
    const reopened = new Store(path);
    expect(reopened.db.prepare('SELECT count(copy_rank) AS ranked FROM evaluations').get()).toEqual({ ranked: 0 });
    await copy(reopened, 3);
    expect(reopened.db.prepare('SELECT count(*) AS n, count(copy_rank) AS ranked, count(DISTINCT figures_sha256) AS versions, sum(counted) AS counted FROM evaluations').get())
      .toEqual({ n: 24, ranked: 24, versions: 8, counted: 8 });
    expect(reopened.db.prepare('SELECT e.block_index, d.source FROM evaluations e JOIN documents d ON d.id = e.document_id WHERE e.counted = 1 ORDER BY 1').all()).toEqual(expected);
    expect(reopened.db.prepare('SELECT DISTINCT copies, disagreement FROM forms').all()).toEqual([{ copies: 3, disagreement: null }]);
    // The forms written before were given their kin (department and project) when the dataset was opened.
    expect(reopened.db.prepare("SELECT count(*) AS n FROM forms WHERE kin = '深圳市规划和自然资源局|name:不动产及房地产业务运维'").get()).toEqual({ n: 1 });
    expect(reopened.db.prepare('SELECT count(*) AS n FROM forms WHERE kin IS NULL').get()).toEqual({ n: 0 });
    reopened.close();
  });
});
