import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Reader } from '../store/reader.js';
import { BOM, toCsv } from './csv.js';
import { makeFolder } from '../pipeline/folders.js';
import { writeParquet } from './parquet.js';

export type ExportFormat = 'csv' | 'jsonl' | 'parquet';

/**
 * Each indicator with its evaluation and document: the one file to load into pandas or R. Every
 * copy of a form is there; `counted` = 1 keeps one row set per form (the copy the dataset counts).
 */
const INDICATORS_FLAT = `
SELECT d.id AS document_id, d.source, d.sha256, d.format, d.status AS document_status,
       e.form_id, e.counted, e.id AS evaluation_id, e.block_index, e.title, e.project_name, e.project_code, e.supervising_dept,
       e.implementing_unit, e.budget_unit, e.year, e.confidence, e.total_weight, e.total_score,
       e.line_start AS block_line_start, e.line_end AS block_line_end, e.page_start AS block_page_start, e.page_end AS block_page_end,
       i.seq, i.line, i.page, i.level1, i.level1_points, i.level1_code, i.level2, i.level2_code, i.name,
       i.target, i.target_op, i.target_value, i.target_unit, i.actual, i.actual_op, i.actual_value, i.actual_unit,
       i.weight, i.score, i.deviation, j.judgement, j.full_marks,
       (SELECT count(*) FROM flags f WHERE f.evaluation_id = e.id AND f.indicator_seq = i.seq) AS indicator_flags
FROM indicators i
JOIN evaluations e ON e.id = i.evaluation_id
JOIN documents d ON d.id = e.document_id
LEFT JOIN judgements j ON j.evaluation_id = i.evaluation_id AND j.seq = i.seq
ORDER BY d.id, e.block_index, i.seq`;

const TABLES: ReadonlyArray<readonly [string, string]> = [
  ['documents', 'SELECT * FROM documents ORDER BY id'],
  ['evaluations', 'SELECT * FROM evaluations ORDER BY document_id, block_index'],
  ['funding', 'SELECT * FROM funding ORDER BY evaluation_id, line'],
  ['indicators', 'SELECT * FROM indicators ORDER BY evaluation_id, seq'],
  ['flags', 'SELECT * FROM flags ORDER BY id'],
  ['judgements', 'SELECT * FROM judgements ORDER BY evaluation_id, seq'],
  ['sources', 'SELECT * FROM sources ORDER BY id'],
  ['pages', 'SELECT * FROM pages ORDER BY url'],
  ['runs', 'SELECT * FROM runs ORDER BY id'],
  ['failures', 'SELECT * FROM failures ORDER BY id'],
  ['forms', 'SELECT * FROM forms ORDER BY id'],
  ['form_sources', 'SELECT * FROM form_sources ORDER BY form_id, evaluation_id'],
  ['projects', 'SELECT * FROM projects ORDER BY series, year IS NULL, year, form_id'],
  ['series_links', 'SELECT * FROM series_links ORDER BY series, year_a IS NULL, year_a, year_b IS NULL, year_b'],
  ['indicators_flat', INDICATORS_FLAT],
];

const BATCH = 1000;

function write(stream: WriteStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.write(text)) resolve();
    else stream.once('drain', resolve).once('error', reject);
  });
}

function close(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/**
 * One file per table plus `indicators_flat`, streamed in batches so the dataset is never held
 * in memory. CSV: UTF-8 with BOM, RFC 4180 quoting, empty for null, plain decimals. JSONL: one
 * object per line. Parquet: typed columns (parquet.ts). Returns the files written with their row counts.
 */
export async function exportDataset(db: Reader, dir: string, format: ExportFormat): Promise<Array<{ file: string; rows: number }>> {
  makeFolder(dir);
  const written: Array<{ file: string; rows: number }> = [];
  for (const [name, sql] of TABLES) {
    const file = join(dir, `${name}.${format}`);
    if (format === 'parquet') {
      written.push({ file, rows: await writeParquet(file, () => db.batches(sql, BATCH)) });
      continue;
    }
    const stream = createWriteStream(file, { encoding: 'utf8' });
    let rows = 0;
    let head = true;
    for await (const batch of db.batches(sql, BATCH)) {
      if (format === 'csv') {
        if (head) await write(stream, BOM + toCsv(batch.columns, batch.rows));
        else if (batch.rows.length > 0) await write(stream, `\r\n${toCsv(batch.columns, batch.rows, false)}`);
      } else if (batch.rows.length > 0) {
        await write(stream, batch.rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
      }
      head = false;
      rows += batch.rows.length;
    }
    if (format === 'csv') await write(stream, '\r\n');
    await close(stream);
    written.push({ file, rows });
  }
  return written;
}
