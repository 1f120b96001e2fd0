import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../src/store/open.js';
import { SCHEMA_VERSION } from '../src/store/schema.js';
import { processFile } from '../src/pipeline/process.js';
import { CORPUS, corpusFile, DOCS, FIXTURES, tempDir, zipinAsync } from './helpers.js';
import { dump, startPostgres, TABLES, type Postgres } from './postgres.js';

/**
 * The dataset on PostgreSQL: the same corpus written through SQLite and through PostgreSQL holds
 * the same rows, table by table (ids and times aside), and every command that reads a dataset
 * answers the same, byte for byte.
 */
const server = await startPostgres();
const skipped = 'skipped' in server ? server.skipped : null;
if (skipped !== null) console.warn(`PostgreSQL tests skipped: ${skipped}`);
afterAll(() => { if (skipped === null) (server as Postgres).stop(); });

/** The corpus and its copies in other formats, written as `extract` writes them. */
async function fill(target: string): Promise<void> {
  const dataset = await openDataset(target);
  try {
    for (const [bytes, source] of [
      ...Object.values(DOCS).map((name) => [readFileSync(corpusFile(name)), `corpus/${name}`] as const),
      [readFileSync(join(FIXTURES, 'corpus-copies.zip')), 'corpus-copies.zip'] as const,
    ]) {
      for (const r of await processFile(bytes, source)) await dataset.writeDocument(r.document, r.evaluations);
    }
  } finally {
    await dataset.close();
  }
}

describe.skipIf(skipped !== null)(`the dataset on PostgreSQL${skipped === null ? '' : ` (skipped: ${skipped})`}`, () => {
  let url: string;
  let file: string;
  beforeAll(async () => {
    url = await (server as Postgres).database('corpus');
    file = join(tempDir(), 'zipin.sqlite');
    await fill(url);
    await fill(file);
  }, 180_000);

  it('holds the rows SQLite holds, table by table, ids and times aside', async () => {
    const [a, b] = [await dump(file), await dump(url)];
    for (const name of Object.keys(TABLES)) expect(b[name], name).toEqual(a[name]);
    expect(b.forms).toHaveLength(58);
  });

  it('answers compare, export and report as SQLite does, byte for byte', async () => {
    for (const args of [['compare'], ['compare', '--by', 'year', '--format', 'json'], ['compare', '--by', 'unit', '--format', 'csv', '--sort', 'gap']]) {
      const [x, y] = [await zipinAsync([...args, '--db', file]), await zipinAsync([...args, '--db', url])];
      expect(y.stderr, args.join(' ')).toBe('');
      expect(y.stdout, args.join(' ')).toBe(x.stdout);
    }
    const [dirA, dirB] = [tempDir(), tempDir()];
    await zipinAsync(['export', '--db', file, '--out', dirA, '--format', 'jsonl']);
    const r = await zipinAsync(['export', '--db', url, '--out', dirB, '--format', 'jsonl']);
    expect(r.code).toBe(0);
    // Written in the same order, the ids are the same too; only the times differ.
    const timeless = (text: string) => text.replace(/"(extracted_at|started_at|finished_at)":"[^"]*"/g, '"$1":"…"');
    for (const table of ['documents', 'evaluations', 'funding', 'indicators', 'flags', 'judgements', 'forms', 'form_sources', 'projects', 'series_links', 'indicators_flat']) {
      expect(timeless(readFileSync(join(dirB, `${table}.jsonl`), 'utf8')), table).toBe(timeless(readFileSync(join(dirA, `${table}.jsonl`), 'utf8')));
    }
    // Parquet: the same column types (PostgreSQL's declared as SQLite's) and the same values read back.
    const [pqA, pqB] = [tempDir(), tempDir()];
    await zipinAsync(['export', '--db', file, '--out', pqA, '--format', 'parquet']);
    const pq = await zipinAsync(['export', '--db', url, '--out', pqB, '--format', 'parquet']);
    expect(pq.code, pq.stderr).toBe(0);
    const read = async (dir: string, table: string) => {
      const parquet = await asyncBufferFromFile(join(dir, `${table}.parquet`));
      const metadata = await parquetMetadataAsync(parquet);
      const rows = await parquetReadObjects({ file: parquet, metadata });
      return { types: metadata.schema.map((e) => [e.name, e.type, e.converted_type]), rows: rows.map((r) => ({ ...r, extracted_at: null, started_at: null, finished_at: null })) };
    };
    for (const table of ['documents', 'evaluations', 'funding', 'indicators', 'judgements', 'forms', 'projects', 'indicators_flat']) {
      expect(await read(pqB, table), table).toEqual(await read(pqA, table));
    }
  });

  it('writing the same files again changes nothing, and a failed re-read keeps the good rows', async () => {
    const before = await dump(url);
    await fill(url);
    expect(await dump(url)).toEqual(before);
    const dataset = await openDataset(url);
    try {
      const run = await dataset.startRun('test');
      const [r] = await processFile(readFileSync(corpusFile(DOCS.guihua)), 'corpus/003.txt');
      const written = await dataset.writeDocument({ ...r!.document, status: 'failed', error: 'timed out after 1 s' }, [], run);
      expect(written.kept).toBe(true);
      expect(await dataset.all('SELECT source, error, kept_document_id FROM failures')).toEqual([{ source: 'corpus/003.txt', error: 'timed out after 1 s', kept_document_id: written.documentId }]);
    } finally {
      await dataset.close();
    }
    expect((await dump(url)).evaluations).toEqual(before.evaluations);
  });

  it('a document is written whole or not at all: one failing row rolls back its document', async () => {
    const target = await (server as Postgres).database('atomic');
    const dataset = await openDataset(target);
    try {
      const [r] = await processFile(readFileSync(corpusFile(DOCS.guihua)), 'corpus/003.txt');
      const broken = structuredClone(r!.evaluations);
      (broken[3]!.indicators[0] as { seq: number }).seq = broken[3]!.indicators[1]!.seq; // a duplicate primary key
      await expect(dataset.writeDocument(r!.document, broken)).rejects.toThrow(/duplicate key/);
      expect(await dataset.all('SELECT (SELECT count(*) FROM documents) AS documents, (SELECT count(*) FROM evaluations) AS evaluations, (SELECT count(*) FROM forms) AS forms'))
        .toEqual([{ documents: 0, evaluations: 0, forms: 0 }]);
    } finally {
      await dataset.close();
    }
  });

  it('refreshes the server\'s statistics once 256 documents are written into it, not before: plans made on the empty tables are made again', async () => {
    const target = await (server as Postgres).database('statistics');
    const dataset = await openDataset(target);
    try {
      // Only this test's ANALYZE may count: the server's own autovacuum is kept off these tables.
      for (const t of ['documents', 'evaluations']) await dataset.all(`ALTER TABLE ${t} SET (autovacuum_enabled = false)`);
      const [r] = await processFile(readFileSync(corpusFile(DOCS.guihua)), 'corpus/003.txt');
      const analysed = async () => (await dataset.all("SELECT relname, reltuples FROM pg_class WHERE relname IN ('documents', 'evaluations') ORDER BY relname"))
        .map((row) => [row.relname, Number(row.reltuples)]);
      const write = (i: number) => dataset.writeDocument({ ...r!.document, sha256: String(i).padStart(64, '0'), source: `copy-${i}.txt` }, r!.evaluations);
      for (let i = 0; i < 255; i++) await write(i);
      expect(await analysed()).toEqual([['documents', -1], ['evaluations', -1]]); // never analysed
      await write(255);
      expect(await analysed()).toEqual([['documents', 256], ['evaluations', 256 * r!.evaluations.length]]);
    } finally {
      await dataset.close();
    }
  }, 120_000);

  it('extract writes into it with its worker processes, and a second run reads nothing again', async () => {
    const target = await (server as Postgres).database('extract');
    const first = await zipinAsync(['extract', CORPUS, '--db', target, '--concurrency', '2']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('evaluations: 58 (confidence');
    expect(first.stdout).toContain(`database: ${target} (run 1)`);
    const second = await zipinAsync(['extract', CORPUS, '--db', target]);
    expect(second.stdout).toContain('unchanged: 5 file(s)');
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    try {
      expect((await client.query('SELECT count(*)::int AS n FROM evaluations')).rows).toEqual([{ n: 58 }]);
      expect((await client.query('SELECT version FROM zipin_schema')).rows).toEqual([{ version: SCHEMA_VERSION }]);
    } finally {
      await client.end();
    }
  });

  it('brings a schema-6 database up to date in place: sources keep their rows, pages are recorded', async () => {
    const target = await (server as Postgres).database('v6');
    await (await openDataset(target)).close();
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    try {
      // What zipin wrote before schema 7.
      await client.query(`ALTER TABLE evaluations DROP COLUMN copy_rank, DROP COLUMN figures_sha256; ALTER TABLE forms DROP COLUMN kin;
        DROP TABLE pages; ALTER TABLE sources DROP COLUMN file_name; ALTER TABLE sources DROP COLUMN records_sha256;
        ALTER TABLE sources DROP CONSTRAINT sources_kind_check;
        ALTER TABLE sources ADD CONSTRAINT sources_kind_check CHECK (kind IN ('pdf', 'text', 'spreadsheet', 'word', 'image', 'archive', 'page', 'unsupported'));
        UPDATE zipin_schema SET version = 6;
        INSERT INTO sources (url, kind, first_seen, status) VALUES ('http://h.test/a.pdf', 'pdf', '2024-01-01', 'new')`);
      const dataset = await openDataset(target);
      await dataset.writePages([{ url: 'http://h.test/l/', foundOn: null, status: 'failed', error: 'HTTP 404', httpStatus: 404, fullWalk: false }], '2024-02-01T00:00:00Z');
      const memory = await dataset.crawlMemory();
      await dataset.close();
      expect((await client.query('SELECT version FROM zipin_schema')).rows).toEqual([{ version: SCHEMA_VERSION }]);
      expect((await client.query('SELECT url, file_name, records_sha256 FROM sources')).rows).toEqual([{ url: 'http://h.test/a.pdf', file_name: null, records_sha256: null }]);
      expect([...memory.known].sort()).toEqual(['http://h.test/a.pdf', 'http://h.test/l/']);
      expect(memory.failedPages).toEqual(new Map([['http://h.test/l/', 'HTTP 404']]));
    } finally {
      await client.end();
    }
  });
});
