import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { csvValue, toCsv } from '../src/export/csv.js';
import { exportDataset } from '../src/export/export.js';
import { sqliteReader } from '../src/store/reader.js';
import { buildCorpusDb, DOCS, tempDir, zipinAsync } from './helpers.js';

const dbPath = join(tempDir(), 'zipin.sqlite');
const csvDir = join(tempDir(), 'csv');
const jsonlDir = join(tempDir(), 'jsonl');
let written: Array<{ file: string; rows: number }>;

const readCsv = (name: string) => {
  const text = readFileSync(join(csvDir, `${name}.csv`), 'utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  const parsed = Papa.parse<Record<string, string>>(text.slice(1), { header: true, skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
};

beforeAll(async () => {
  await buildCorpusDb(dbPath);
  const db = new Database(dbPath, { readonly: true });
  written = await exportDataset(sqliteReader(db), csvDir, 'csv');
  await exportDataset(sqliteReader(db), jsonlDir, 'jsonl');
  db.close();
});

describe('export', () => {
  it('writes one file per table (crawl sources and runs too) plus indicators_flat, with every row', () => {
    expect(written.map((w) => [w.file.slice(csvDir.length + 1), w.rows])).toEqual([
      ['documents.csv', 5], ['evaluations.csv', 58], ['funding.csv', 232], ['indicators.csv', 714], ['flags.csv', 218],
      ['judgements.csv', 406], ['sources.csv', 0], ['pages.csv', 0], ['runs.csv', 0], ['failures.csv', 0], ['forms.csv', 58], ['form_sources.csv', 58],
      ['projects.csv', 58], ['series_links.csv', 0], ['indicators_flat.csv', 714],
    ]);
    expect(readCsv('sources')).toHaveLength(0);
    expect(Object.keys(readCsv('indicators_flat')[0]!)).toContain('judgement');
    expect(readCsv('indicators')).toHaveLength(714);
    expect(readCsv('runs')).toHaveLength(0);
  });

  it('writes money as plain decimals in 元, null as empty, dates as ISO', () => {
    const funding = readCsv('funding');
    expect(funding.every((f) => !/e/i.test(f.executed_yuan!) && !/e/i.test(f.full_year_yuan!))).toBe(true);
    const evaluations = readCsv('evaluations');
    const first = evaluations.find((e) => e.project_name === '信息工程质量监督' && e.year === '2021')!;
    expect(first.project_code).toBe('');
    expect(first.project_amount_yuan).toBe('1261400');
    const total = funding.find((f) => f.evaluation_id === first.id && f.line === 'total')!;
    expect([total.initial_yuan, total.full_year_yuan, total.executed_yuan, total.rate, total.rate_raw]).toEqual(['300000', '300000', '299958.4', '1', '1.00']);
    expect(readCsv('documents').every((d) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(d.extracted_at!))).toBe(true);
  });

  it('keeps Chinese text with commas intact through CSV quoting', () => {
    const flat = readCsv('indicators_flat');
    const row = flat.find((r) => r.name === '综合运维项目购买系统服务数量')!;
    expect(row.deviation).toBe('偏差原因,本项目实际购买系统服务3套,共计6台设备,分别为网络监控、防病毒和安全、MCU视频会议。改进措施,2023年该项目已由各部门单独招采,相应服务由各部门按实际情况填报。');
    expect([row.source, row.line, row.confidence, row.target_op, row.target_value, row.target_unit]).toEqual(
      [`corpus/${DOCS.juesuan}`, '628', 'high', '≥', '2', '台/套'],
    );
  });

  it('quotes commas, quotes and newlines (RFC 4180)', () => {
    const csv = toCsv(['a', 'b'], [{ a: '产出, "质量"\n时效', b: null }, { a: 1.5, b: 1e21 }]);
    expect(csv).toBe('a,b\r\n"产出, ""质量""\n时效",\r\n1.5,1000000000000000000000');
    expect(Papa.parse(csv, { header: true }).data).toEqual([{ a: '产出, "质量"\n时效', b: '' }, { a: '1.5', b: '1000000000000000000000' }]);
    expect([csvValue(0.1 + 0.2), csvValue(1e-7), csvValue(299958.4)]).toEqual(['0.30000000000000004', '0.0000001', '299958.4']);
  });

  it('writes JSON lines', () => {
    const lines = readFileSync(join(jsonlDir, 'indicators_flat.jsonl'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(714);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ seq: 1, confidence: expect.any(String), source: expect.stringMatching(/^corpus\//) });
  });
});

describe('CSV cells a spreadsheet would run', () => {
  it('are prefixed with a quote; plain numbers, signed or not, stay numbers', () => {
    const csv = toCsv(['v'], ['=1+1', '+SUM(1)', '-1+2', '@SUM(A1)', '\tx', '-5', '+0.25', '12.5', '-', '正常'].map((v) => ({ v })), false);
    expect(csv.split('\r\n')).toEqual([`"'=1+1"`, `"'+SUM(1)"`, `"'-1+2"`, `"'@SUM(A1)"`, `"'\tx"`, '-5', '+0.25', '12.5', `"'-"`, '正常']);
  });
});

describe('an --out that cannot be made', () => {
  it('is a one-line error at once, never a spin (Node\'s recursive mkdir loops forever under /proc)', async () => {
    for (const out of ['/proc/zipin-export', join(dbPath, 'inside-a-file')]) {
      const r = await zipinAsync(['export', '--db', dbPath, '--out', out]);
      expect(r.code, out).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(out.startsWith('/proc') ? '/proc/zipin-export' : 'inside-a-file');
    }
  }, 60_000);
});


describe('export --format parquet', () => {
  const parquetDir = join(tempDir(), 'parquet');
  /** A file's rows as hyparquet reads them, DECIMAL columns as their exact unscaled integers (hyparquet would make them floats). */
  const readParquet = async (name: string) => {
    const file = await asyncBufferFromFile(join(parquetDir, `${name}.parquet`));
    const metadata = await parquetMetadataAsync(file);
    const schema = Object.fromEntries(metadata.schema.slice(1).map((e) => [e.name, `${e.type}${e.converted_type ? `/${e.converted_type}` : ''}${e.scale !== undefined ? `(${e.precision},${e.scale})` : ''}`]));
    for (const e of metadata.schema) if (e.converted_type === 'DECIMAL') delete e.converted_type;
    const rows = await parquetReadObjects({ file, metadata });
    const unscaled = (bytes: Uint8Array) => BigInt.asIntN(bytes.length * 8, bytes.reduce((v, b) => v * 256n + BigInt(b), 0n));
    return { schema, rows: rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Uint8Array ? unscaled(v) : v]))) };
  };

  beforeAll(async () => {
    const db = new Database(dbPath, { readonly: true });
    await exportDataset(sqliteReader(db), parquetDir, 'parquet');
    db.close();
  });

  it('types its columns: money DECIMAL(38,6), times UTC timestamps, integers, reals and text as the dataset declares them', async () => {
    const { schema } = await readParquet('funding');
    expect(schema).toEqual({
      evaluation_id: 'INT64', line: 'BYTE_ARRAY/UTF8', initial_yuan: 'FIXED_LEN_BYTE_ARRAY/DECIMAL(38,6)', full_year_yuan: 'FIXED_LEN_BYTE_ARRAY/DECIMAL(38,6)',
      executed_yuan: 'FIXED_LEN_BYTE_ARRAY/DECIMAL(38,6)', weight: 'DOUBLE', rate: 'DOUBLE', rate_raw: 'BYTE_ARRAY/UTF8', score: 'DOUBLE',
    });
    expect((await readParquet('documents')).schema).toMatchObject({ id: 'INT64', extracted_at: 'INT64/TIMESTAMP_MILLIS', pages: 'INT64' });
    // A view's computed column declares no type: its values decide (the rate is a real).
    expect((await readParquet('projects')).schema).toMatchObject({ execution_rate: 'DOUBLE', budget_yuan: 'FIXED_LEN_BYTE_ARRAY/DECIMAL(38,6)' });
  });

  it('holds every row, money exactly as stored in 元, times as the dataset wrote them', async () => {
    const db = new Database(dbPath, { readonly: true });
    const stored = db.prepare('SELECT evaluation_id, line, executed_yuan FROM funding ORDER BY evaluation_id, line').all() as Array<{ executed_yuan: number | null }>;
    const documents = db.prepare('SELECT extracted_at FROM documents ORDER BY id').all() as Array<{ extracted_at: string }>;
    db.close();
    const { rows } = await readParquet('funding');
    expect(rows).toHaveLength(232);
    // 299958.4 元 (a double that is not 299958.4 exactly) is 299958400000 millionths, exactly.
    expect(rows.map((r) => r.executed_yuan)).toEqual(stored.map((s) => (s.executed_yuan === null ? null : BigInt(Math.round(s.executed_yuan * 100)) * 10_000n)));
    expect(rows.some((r) => r.executed_yuan === 299958400000n)).toBe(true);
    expect((await readParquet('documents')).rows.map((r) => (r.extracted_at as Date).toISOString())).toEqual(documents.map((d) => d.extracted_at));
    for (const [name, count] of [['evaluations', 58], ['indicators', 714], ['indicators_flat', 714], ['sources', 0]] as const) {
      expect((await readParquet(name)).rows, name).toHaveLength(count);
    }
  });

  it('refuses an amount it cannot write exactly, saying which', async () => {
    const { writeParquet } = await import('../src/export/parquet.js');
    const batches = async function* () {
      yield { columns: ['executed_yuan'], types: ['real' as const], rows: [{ executed_yuan: 1.2345678 }] };
    };
    await expect(writeParquet(join(tempDir(), 'x.parquet'), batches)).rejects.toThrow('executed_yuan: 1.2345678 has more than 6 decimals and cannot be written exactly');
  });
});
