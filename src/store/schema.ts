import { MoneyUnitSourceSchema } from '../model/evaluation.js';
import { DocumentFormatSchema } from '../model/table.js';

/** The dataset's schema (see docs/dataset.md); user_version tells which one a file has. */
export const SCHEMA_VERSION = 8;

/** Source kinds: version 7 adds `ofd`. */
const KINDS_V3 = "'pdf', 'text', 'spreadsheet', 'word', 'image', 'archive', 'page', 'unsupported'";
const KINDS = `${KINDS_V3}, 'ofd'`;

/**
 * Attachments found by `zipin crawl`: what was fetched, when, and what it produced. Version 7
 * adds the server's name for the file (Content-Disposition, decoded; for people, never a path)
 * and a fingerprint of the records its current version gave (bytes that change while the records
 * do not — a view counter — are no new version).
 */
const sourcesTable = (name: string, version = SCHEMA_VERSION) => `
CREATE TABLE ${name} (
  id            INTEGER PRIMARY KEY,
  url           TEXT NOT NULL UNIQUE,
  kind          TEXT NOT NULL CHECK (kind IN (${version >= 7 ? KINDS : KINDS_V3})),
  found_on      TEXT,
  first_seen    TEXT NOT NULL,
  last_checked  TEXT,
  last_changed  TEXT,
  etag          TEXT,
  last_modified TEXT,
  sha256        TEXT,
  bytes         INTEGER,
  http_status   INTEGER,
  content_type  TEXT,
  status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'new', 'changed', 'unchanged', 'failed', 'unsupported', 'disallowed')),
  error         TEXT,
  document_id   INTEGER REFERENCES documents (id) ON DELETE SET NULL${version >= 7 ? `,
  file_name     TEXT,
  records_sha256 TEXT` : ''}
);
`;
const SOURCES = `${sourcesTable('IF NOT EXISTS sources')}
CREATE INDEX IF NOT EXISTS sources_document ON sources (document_id);
`;

/**
 * Pages the crawl fetched (listings, their further pages and data calls, article pages): whether
 * the last fetch failed and why (a link failing the same way again is no news), and when a listing
 * was last walked to its end (between full walks, paging stops at the first page with nothing new).
 */
const PAGES = `
CREATE TABLE IF NOT EXISTS pages (
  url           TEXT PRIMARY KEY,
  found_on      TEXT,
  first_seen    TEXT NOT NULL,
  last_checked  TEXT NOT NULL,
  http_status   INTEGER,
  status        TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
  error         TEXT,
  full_walk_at  TEXT
);
`;

/**
 * Every document that failed in a run, also one whose earlier good rows were kept (a failed
 * re-extraction never replaces good data); and the run lock that keeps two crawls apart.
 */
const FAILURES_AND_LOCKS = `
CREATE TABLE IF NOT EXISTS failures (
  id               INTEGER PRIMARY KEY,
  run_id           INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  source           TEXT NOT NULL,
  sha256           TEXT,
  error            TEXT NOT NULL,
  kept_document_id INTEGER REFERENCES documents (id) ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS failures_run ON failures (run_id);
CREATE TABLE IF NOT EXISTS locks (
  name            TEXT PRIMARY KEY,
  pid             INTEGER NOT NULL,
  host            TEXT NOT NULL,
  process_started TEXT NOT NULL,
  token           TEXT NOT NULL,
  acquired_at     TEXT NOT NULL
);
`;

const FORMATS = DocumentFormatSchema.options.map((f) => `'${f}'`).join(', ');
const UNIT_SOURCES = MoneyUnitSourceSchema.options.map((f) => `'${f}'`).join(', ');

/** The documents table (its formats widened in versions 3, 4, 5 and 7). */
const documents = (name: string) => `CREATE TABLE ${name} (
  id               INTEGER PRIMARY KEY,
  sha256           TEXT UNIQUE,
  source           TEXT NOT NULL,
  format           TEXT CHECK (format IN (${FORMATS})),
  pages            INTEGER,
  extracted_at     TEXT NOT NULL,
  pipeline_version TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('ok', 'no_blocks', 'failed')),
  error            TEXT,
  url              TEXT,
  current          INTEGER NOT NULL DEFAULT 1
);`;

/** The documents table rebuilt under `name` with today's CHECKs, its rows and indexes kept. */
const rebuildDocuments = (name: string) => `${documents(name)}
INSERT INTO ${name} SELECT id, sha256, source, format, pages, extracted_at, pipeline_version, status, error, url, current FROM documents;
DROP TABLE documents;
ALTER TABLE ${name} RENAME TO documents;
CREATE INDEX IF NOT EXISTS documents_source ON documents (source);
CREATE INDEX IF NOT EXISTS documents_url ON documents (url);`;

/** The 项目资金 table (its line names widened in version 3: SQLite changes a CHECK only by a new table). */
const funding = (name: string) => `CREATE TABLE ${name} (
  evaluation_id  INTEGER NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
  line           TEXT NOT NULL CHECK (line IN ('total', 'appropriation', 'special', 'unit', 'carryover', 'other')),
  initial_yuan   REAL,
  full_year_yuan REAL,
  executed_yuan  REAL,
  weight         REAL,
  rate           REAL,
  rate_raw       TEXT,
  score          REAL,
  PRIMARY KEY (evaluation_id, line)
);`;

/**
 * The forms (one per evaluation found in however many files): its identity, the series it
 * belongs to across years, its code as compared (for linking a renamed project), its year, how
 * many copies the dataset holds, where they disagree, and (version 8) its kin. Each evaluation names its form and
 * whether it is the copy counted (evaluations.form_id, counted); the form's names and figures are
 * its counted copy's (the projects view).
 */
const formsTable = (version = SCHEMA_VERSION) => `
CREATE TABLE IF NOT EXISTS forms (
  id                INTEGER PRIMARY KEY,
  identity          TEXT NOT NULL UNIQUE,
  series            TEXT NOT NULL,
  code              TEXT,
  year              INTEGER,
  copies            INTEGER NOT NULL,
  disagreement      TEXT${version >= 8 ? `,
  kin               TEXT` : ''}
);
CREATE INDEX IF NOT EXISTS forms_code ON forms (code) WHERE code IS NOT NULL;${version >= 8 ? `
CREATE INDEX IF NOT EXISTS forms_kin ON forms (kin);` : ''}
`;

/** Evaluations written before forms (schema 6) are linked to theirs when the dataset is opened. */
export const FORMS_SINCE = 6;

/**
 * Forms as a researcher reads them: each form's sources (every copy, where it was read and
 * whether it is the one counted); one row per project and year (its counted copy's figures); and
 * the series the name rule linked although their printed names differ, to check them.
 */
const FORM_VIEWS = `
DROP VIEW IF EXISTS form_sources;
DROP VIEW IF EXISTS projects;
DROP VIEW IF EXISTS series_links;
CREATE VIEW form_sources AS
SELECT e.form_id, e.id AS evaluation_id, e.counted, d.id AS document_id, d.source, d.format, d.url, d.current,
  e.page_start, e.page_end, e.line_start, e.line_end, e.confidence
FROM evaluations e JOIN documents d ON d.id = e.document_id;
CREATE VIEW projects AS
SELECT f.series, f.year, coalesce(e.supervising_dept, e.budget_unit) AS department, e.implementing_unit, e.project_code, e.project_name,
  f.id AS form_id, e.id AS evaluation_id,
  t.full_year_yuan AS budget_yuan, t.executed_yuan, CASE WHEN t.full_year_yuan > 0 THEN t.executed_yuan / t.full_year_yuan END AS execution_rate,
  e.total_score, e.confidence, f.copies, f.disagreement
FROM forms f JOIN evaluations e ON e.form_id = f.id AND e.counted = 1
LEFT JOIN funding t ON t.evaluation_id = e.id AND t.line = 'total';
CREATE VIEW series_links AS
SELECT a.series, a.year AS year_a, a.project_name AS name_a, b.year AS year_b, b.project_name AS name_b,
  CASE WHEN a.code IS NOT NULL AND a.code = b.code THEN 'same 项目编码' ELSE 'same name but for spaces, punctuation, width and years' END AS rule
FROM (SELECT f.id, f.series, f.year, f.code, e.project_name FROM forms f JOIN evaluations e ON e.form_id = f.id AND e.counted = 1) a
JOIN (SELECT f.id, f.series, f.year, f.code, e.project_name FROM forms f JOIN evaluations e ON e.form_id = f.id AND e.counted = 1) b
  ON b.series = a.series AND b.id > a.id
WHERE a.project_name <> b.project_name;`;

/**
 * The dataset's one judgement of each quantitative indicator: does its actual value meet its
 * target? Both are intervals — a target `≥95%` is [95, ∞), `<2小时` is (−∞, 2); an actual `98%` is
 * the point 98, an actual `<2小时` is (−∞, 2) again. Met when the actual's interval lies inside the
 * target's, short when the two do not meet at all, undetermined when they only overlap. `=` on a
 * target is a floor (a count or rate to reach). Only same-unit pairs with comparators are judged
 * (no ≈/左右 targets, no qualitative ones). compare, the report and queries all read this view;
 * evaluation_judgements sums it per evaluation, with whether its budget was withdrawn.
 */
const VIEWS = `
DROP VIEW IF EXISTS evaluation_judgements;
DROP VIEW IF EXISTS shortfalls;
DROP VIEW IF EXISTS judgements;
CREATE VIEW judgements AS
WITH pairs AS (
  SELECT evaluation_id, seq, name, target, actual, weight, score, target_value AS t, target_op AS top,
    actual_value AS a, coalesce(actual_op, '=') AS aop
  FROM indicators
  WHERE evaluation_id IN (SELECT id FROM evaluations WHERE counted = 1)
    AND target_value IS NOT NULL AND actual_value IS NOT NULL
    AND (target_unit = actual_unit OR (target_unit IS NULL AND actual_unit IS NULL))
    AND target_op IN ('≥', '>', '=', '≤', '<') AND coalesce(actual_op, '=') IN ('≥', '>', '=', '≤', '<')
), judged AS (
  SELECT *, CASE WHEN top IN ('≥', '>', '=') THEN
      CASE WHEN aop IN ('=', '≥', '>') AND (a > t OR (a = t AND (top <> '>' OR aop = '>'))) THEN 'met'
           WHEN aop IN ('=', '≤', '<') AND (a < t OR (a = t AND (top = '>' OR aop = '<'))) THEN 'short'
           ELSE 'undetermined' END
    ELSE
      CASE WHEN aop IN ('=', '≤', '<') AND (a < t OR (a = t AND (top <> '<' OR aop = '<'))) THEN 'met'
           WHEN aop IN ('=', '≥', '>') AND (a > t OR (a = t AND (top = '<' OR aop = '>'))) THEN 'short'
           ELSE 'undetermined' END
    END AS judgement
  FROM pairs
)
SELECT evaluation_id, seq, name, target, actual, weight, score, judgement,
  CASE judgement
    WHEN 'met' THEN 'actual ' || actual || ' lies within target ' || target
    WHEN 'short' THEN 'actual ' || actual || ' falls short of target ' || target
    ELSE 'actual ' || actual || ' only partly overlaps target ' || target || ': cannot tell'
  END AS why,
  CASE WHEN weight > 0 AND score >= weight THEN 1 ELSE 0 END AS full_marks
FROM judged;
CREATE VIEW shortfalls AS SELECT * FROM judgements WHERE judgement = 'short';
CREATE VIEW evaluation_judgements AS
SELECT e.id AS evaluation_id,
  CASE WHEN EXISTS (SELECT 1 FROM flags w WHERE w.evaluation_id = e.id AND w.code = 'budget_withdrawn') THEN 1 ELSE 0 END AS withdrawn,
  count(CASE WHEN j.judgement <> 'undetermined' THEN 1 END) AS judged,
  count(CASE WHEN j.judgement = 'short' THEN 1 END) AS shortfalls,
  count(CASE WHEN j.judgement = 'short' AND j.full_marks = 1 THEN 1 END) AS shortfall_full_marks
FROM evaluations e LEFT JOIN judgements j ON j.evaluation_id = e.id
WHERE e.counted = 1
GROUP BY e.id;
${FORM_VIEWS}`;

/**
 * Steps from one schema version to the next, for databases written by older zipin. They run with
 * foreign keys off (a table rebuilt under its children must not cascade), checked after.
 */
/**
 * Version 8: each copy's rank among the copies of its form and the fingerprint of its figures
 * (src/forms/copies.ts), written with it; null in rows written before, filled in when their form
 * is next reconciled. Each form's kin (its department and project: where a copy that lacks its
 * year or implementing unit finds the form that has them).
 */
const COPY_KEYS = `
ALTER TABLE evaluations ADD COLUMN copy_rank TEXT;
ALTER TABLE evaluations ADD COLUMN figures_sha256 TEXT;
ALTER TABLE forms ADD COLUMN kin TEXT;
CREATE INDEX IF NOT EXISTS forms_kin ON forms (kin);`;

/** Version 8 fills in the kin of the forms written before (identity.ts), once migrated. */
export const KIN_SINCE = 8;

export const MIGRATIONS: Record<number, string> = {
  2: `
ALTER TABLE documents ADD COLUMN url TEXT;
ALTER TABLE documents ADD COLUMN current INTEGER NOT NULL DEFAULT 1;
CREATE INDEX IF NOT EXISTS documents_url ON documents (url);
ALTER TABLE runs ADD COLUMN sources_seen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN sources_new INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN sources_changed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN sources_failed INTEGER NOT NULL DEFAULT 0;
${SOURCES}`,
  3: `
ALTER TABLE runs ADD COLUMN documents_kept INTEGER NOT NULL DEFAULT 0;
${FAILURES_AND_LOCKS}
${funding('funding_v3')}
INSERT INTO funding_v3 SELECT evaluation_id, line, initial_yuan, full_year_yuan, executed_yuan, weight, rate, rate_raw, score FROM funding;
DROP TABLE funding;
ALTER TABLE funding_v3 RENAME TO funding;
${rebuildDocuments('documents_v3')}
${sourcesTable('sources_v3', 3)}
INSERT INTO sources_v3 SELECT id, url, kind, found_on, first_seen, last_checked, last_changed, etag, last_modified, sha256, bytes,
  http_status, content_type, status, error, document_id FROM sources;
DROP TABLE sources;
ALTER TABLE sources_v3 RENAME TO sources;
CREATE INDEX IF NOT EXISTS sources_document ON sources (document_id);`,
  // (and the views, made anew by version 6)
  4: `
ALTER TABLE runs ADD COLUMN documents_unchanged INTEGER NOT NULL DEFAULT 0;
${rebuildDocuments('documents_v4')}`,
  5: `
${rebuildDocuments('documents_v5')}
${sourcesTable('sources_v5', 5)}
INSERT INTO sources_v5 SELECT * FROM sources;
DROP TABLE sources;
ALTER TABLE sources_v5 RENAME TO sources;
CREATE INDEX IF NOT EXISTS sources_document ON sources (document_id);`,
  // Where each evaluation's money unit came from and how sure it is (null: written before zipin recorded it).
  // and the forms its evaluations are copies of (linked by the store once migrated).
  6: `
ALTER TABLE evaluations ADD COLUMN money_unit_source TEXT CHECK (money_unit_source IN (${UNIT_SOURCES}));
ALTER TABLE evaluations ADD COLUMN money_unit_confidence TEXT CHECK (money_unit_confidence IN ('high', 'medium', 'low'));
${formsTable(6)}
ALTER TABLE evaluations ADD COLUMN form_id INTEGER REFERENCES forms (id) ON DELETE SET NULL;
ALTER TABLE evaluations ADD COLUMN counted INTEGER NOT NULL DEFAULT 1 CHECK (counted IN (0, 1));
CREATE INDEX IF NOT EXISTS evaluations_form ON evaluations (form_id);
${VIEWS}`,
  // The pages the crawl fetched; sources' file names, record fingerprints and the ofd kind; OFD documents.
  // The views read documents: gone while it is rebuilt, made anew after.
  7: `
DROP VIEW IF EXISTS evaluation_judgements;
DROP VIEW IF EXISTS shortfalls;
DROP VIEW IF EXISTS judgements;
DROP VIEW IF EXISTS form_sources;
DROP VIEW IF EXISTS projects;
DROP VIEW IF EXISTS series_links;
${rebuildDocuments('documents_v7')}
${sourcesTable('sources_v7')}
INSERT INTO sources_v7 (id, url, kind, found_on, first_seen, last_checked, last_changed, etag, last_modified, sha256, bytes, http_status,
  content_type, status, error, document_id) SELECT * FROM sources;
DROP TABLE sources;
ALTER TABLE sources_v7 RENAME TO sources;
CREATE INDEX IF NOT EXISTS sources_document ON sources (document_id);
${PAGES}
${VIEWS}`,
  8: COPY_KEYS,
};

/** The same steps for a PostgreSQL dataset (which changes a table in place), from version 7 on. */
export const POSTGRES_MIGRATIONS: Record<number, string> = {
  7: `
ALTER TABLE sources ADD COLUMN file_name TEXT;
ALTER TABLE sources ADD COLUMN records_sha256 TEXT;
ALTER TABLE sources DROP CONSTRAINT IF EXISTS sources_kind_check;
ALTER TABLE sources ADD CONSTRAINT sources_kind_check CHECK (kind IN (${KINDS}));
ALTER TABLE documents DROP CONSTRAINT IF EXISTS documents_format_check;
ALTER TABLE documents ADD CONSTRAINT documents_format_check CHECK (format IN (${FORMATS}));
${PAGES}`,
  8: COPY_KEYS,
};

export const SCHEMA = `
${documents('IF NOT EXISTS documents')}
${formsTable()}
CREATE INDEX IF NOT EXISTS documents_source ON documents (source);
CREATE INDEX IF NOT EXISTS documents_url ON documents (url);

CREATE TABLE IF NOT EXISTS evaluations (
  id                  INTEGER PRIMARY KEY,
  document_id         INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  block_index         INTEGER NOT NULL,
  title               TEXT,
  project_name        TEXT,
  project_code        TEXT,
  project_amount_yuan REAL,
  supervising_dept    TEXT,
  implementing_unit   TEXT,
  budget_unit         TEXT,
  year                INTEGER,
  money_unit          TEXT NOT NULL CHECK (money_unit IN ('元', '万元')),
  money_unit_source   TEXT CHECK (money_unit_source IN (${UNIT_SOURCES})),
  money_unit_confidence TEXT CHECK (money_unit_confidence IN ('high', 'medium', 'low')),
  goal_expected       TEXT,
  goal_actual         TEXT,
  total_weight        REAL,
  total_score         REAL,
  total_score_raw     TEXT,
  page_start          INTEGER,
  page_end            INTEGER,
  line_start          INTEGER NOT NULL,
  line_end            INTEGER NOT NULL,
  confidence          TEXT NOT NULL CHECK (confidence IN ('high', 'medium', 'low')),
  form_id             INTEGER REFERENCES forms (id) ON DELETE SET NULL,
  counted             INTEGER NOT NULL DEFAULT 1 CHECK (counted IN (0, 1)),
  copy_rank           TEXT,
  figures_sha256      TEXT,
  UNIQUE (document_id, block_index)
);
CREATE INDEX IF NOT EXISTS evaluations_form ON evaluations (form_id);
CREATE INDEX IF NOT EXISTS evaluations_dept ON evaluations (supervising_dept);
CREATE INDEX IF NOT EXISTS evaluations_budget_unit ON evaluations (budget_unit);
CREATE INDEX IF NOT EXISTS evaluations_year ON evaluations (year);

${funding('IF NOT EXISTS funding')}

CREATE TABLE IF NOT EXISTS indicators (
  evaluation_id INTEGER NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
  seq           INTEGER NOT NULL,
  level1        TEXT,
  level1_points REAL,
  level1_code   TEXT,
  level2        TEXT,
  level2_code   TEXT,
  name          TEXT,
  target        TEXT,
  target_op     TEXT,
  target_value  REAL,
  target_unit   TEXT,
  actual        TEXT,
  actual_op     TEXT,
  actual_value  REAL,
  actual_unit   TEXT,
  weight        REAL,
  score         REAL,
  deviation     TEXT,
  line          INTEGER NOT NULL,
  page          INTEGER,
  PRIMARY KEY (evaluation_id, seq)
);

CREATE TABLE IF NOT EXISTS flags (
  id            INTEGER PRIMARY KEY,
  evaluation_id INTEGER NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
  indicator_seq INTEGER,
  code          TEXT NOT NULL,
  severity      TEXT NOT NULL CHECK (severity IN ('info', 'warn', 'error')),
  message       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS flags_evaluation ON flags (evaluation_id);
CREATE INDEX IF NOT EXISTS flags_code ON flags (code);

CREATE TABLE IF NOT EXISTS runs (
  id                  INTEGER PRIMARY KEY,
  started_at          TEXT NOT NULL,
  finished_at         TEXT,
  command             TEXT NOT NULL,
  documents_seen      INTEGER NOT NULL DEFAULT 0,
  documents_ok        INTEGER NOT NULL DEFAULT 0,
  documents_failed    INTEGER NOT NULL DEFAULT 0,
  documents_kept      INTEGER NOT NULL DEFAULT 0,
  documents_unchanged INTEGER NOT NULL DEFAULT 0,
  evaluations_written INTEGER NOT NULL DEFAULT 0,
  sources_seen        INTEGER NOT NULL DEFAULT 0,
  sources_new         INTEGER NOT NULL DEFAULT 0,
  sources_changed     INTEGER NOT NULL DEFAULT 0,
  sources_failed      INTEGER NOT NULL DEFAULT 0
);
${SOURCES}
${PAGES}
${FAILURES_AND_LOCKS}
${VIEWS}`;
