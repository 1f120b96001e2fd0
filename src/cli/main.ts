#!/usr/bin/env node
import { InputError, readRegularFile } from '../pipeline/input.js';
import { parseArgs } from 'node:util';
import { processDocument, unreadableDocument, type SeenDocument } from '../pipeline/process.js';
import type { DocumentResult } from '../model/document.js';
import { pageSvg, rowRoles } from '../report/page-svg.js';
import { DocumentError, extract } from '../extract/index.js';
import { FORM_SENSE } from '../form/sense.js';
import { DEFAULT_LIMITS } from '../pipeline/pool.js';
import { runExtract, type ExtractSummary } from '../pipeline/run.js';
import { PIPELINE_VERSION } from '../version.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { compare, type GroupBy, type SortBy } from '../query/compare.js';
import { exportDataset, type ExportFormat } from '../export/export.js';
import { buildReport } from '../report/report.js';
import { BUSY_TIMEOUT_MS, DatabaseBusyError } from '../store/store.js';
import { MIN_MEMORY_MB, noArguments, oneOf, positiveInt, timeoutMs, UsageError, withDataset, workerCount } from './args.js';
import { formatComparison } from './compare.js';
import { crawlCommand } from './crawl.js';
import { formatInspection } from './inspect.js';
import { ProgressBar } from './progress.js';

const USAGE = `zipin ${PIPELINE_VERSION} — performance self-evaluation forms (项目支出绩效自评表) → SQLite

Usage:
  zipin extract <file|dir>... [--db out/zipin.sqlite] [--concurrency N] [--timeout SECONDS] [--max-memory MB] [--wait SECONDS]
      Extract every supported file (.txt/.tsv/.text, .pdf, .xlsx/.xls/.et, .html/.htm, .docx, .zip; directories
      are searched recursively) into the database. Each document gets at most --timeout seconds (120) and
      --max-memory MB (2048, as its worker process's resident memory); a busy database is waited for --wait
      seconds (60). Exit 0 when every document was processed, 1 when any failed, 2 on usage errors, 3 when
      the database stayed locked by another process past --wait.
  zipin inspect <file> [--draw DIR]
      Show each block found in one document: lines, header, funding, indicators, flags. --draw writes one SVG
      per PDF page to DIR: ruling lines, cells (merged ones dashed), text runs, blocks, rows coloured by role.
  zipin totext <file>
      Print the tables zipin rebuilt from a PDF (or read from text) as tab-separated lines.
  zipin crawl <listing-url>... [--config sources.json] [--db out/zipin.sqlite] [--files out/files] [--max-depth N]
        [--same-site] [--include RE] [--exclude RE] [--allow-host HOST]... [--allow-private] [--contact EMAIL]
        [--max-pages N] [--max-attachments N] [--max-page-attachments N] [--deadline SECONDS] [--max-bytes N]
        [--timeout SECONDS] [--retries N] [--delay MS] [--per-host N] [--log text|json]
      Walk disclosure listing pages, fetch new or changed attachments, extract them into the database.
      Exit 0 when all went well, 1 when some sources failed (the rest are saved), 2 on usage or config errors.
  zipin compare [--db …] [--by department|unit|year] [--year 2021] [--sort rate|score|gap] [--format table|csv|json]
      One row per department: budget, execution rate, self-scores, short-falling indicators still scored full marks.
  zipin export [--db …] --out DIR [--format csv|jsonl]
      One file per table plus indicators_flat (each indicator with its evaluation and document).
  zipin report [--db …] [--out out/report.html]
      One self-contained HTML page: department charts and a searchable, sortable table of all projects.
  zipin --help | --version
`;

function formatSummary(s: ExtractSummary, db: string): string {
  return [
    `documents: ${s.documents} (ok ${s.ok}, no blocks ${s.noBlocks}, failed ${s.failed})${s.skipped ? `; ${s.skipped} unsupported file(s) skipped` : ''}`,
    ...(s.kept ? [`kept: ${s.kept} failed document(s) keep the good rows an earlier run wrote for the same bytes (see the failures table)`] : []),
    `evaluations: ${s.evaluations} (confidence high ${s.confidence.high}, medium ${s.confidence.medium}, low ${s.confidence.low})`,
    `indicators: ${s.indicators}`,
    `flags: ${s.flags.error} error, ${s.flags.warn} warn, ${s.flags.info} info`,
    `database: ${db} (run ${s.runId})`,
  ].join('\n');
}

async function extractCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: {
      db: { type: 'string', default: 'out/zipin.sqlite' }, concurrency: { type: 'string' },
      timeout: { type: 'string' }, 'max-memory': { type: 'string' }, wait: { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new UsageError('extract needs at least one file or directory');
  const concurrency = workerCount(values.concurrency);
  const limits = {
    timeoutMs: timeoutMs(values.timeout, DEFAULT_LIMITS.timeoutMs / 1000),
    memoryMb: positiveInt(values['max-memory'], 'max-memory', DEFAULT_LIMITS.memoryMb, MIN_MEMORY_MB),
  };
  const progress = new ProgressBar();
  let blocks = 0;
  const summary = await runExtract(positionals, {
    db: values.db, concurrency, limits, command: ['extract', ...args].join(' '),
    busyTimeoutMs: timeoutMs(values.wait, BUSY_TIMEOUT_MS / 1000, 'wait'),
    onDocument: (result, done, total) => {
      blocks += result.evaluations.length;
      const d = result.document;
      if (d.status === 'failed') progress.log(`zipin: failed: ${d.source}: ${d.error}`);
      progress.update(done, total, `documents, ${blocks} blocks`);
    },
  });
  progress.done();
  process.stdout.write(`${formatSummary(summary, values.db)}\n`);
  return summary.failed > 0 ? 1 : 0;
}

async function inspectCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: { draw: { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError('inspect takes exactly one file');
  const path = positionals[0]!;
  const seen: SeenDocument = { pages: [], rows: [] };
  let result;
  try {
    const bytes = readRegularFile(path);
    result = await processDocument(bytes, path, undefined, values.draw === undefined ? undefined : seen);
  } catch (error) {
    result = unreadableDocument(path, error);
  }
  process.stdout.write(`${formatInspection(result)}\n`);
  if (values.draw !== undefined) {
    const drawn = drawPages(values.draw, basename(path), seen, result.evaluations);
    process.stdout.write(drawn.length > 0 ? `\ndrawings (open in a browser):\n${drawn.map((f) => `  ${f}`).join('\n')}\n` : '\nno drawings: only PDF pages are drawn\n');
  }
  return result.document.status === 'failed' ? 1 : 0;
}

/** One SVG per page of what the extractor saw, in `dir`; the files written. */
function drawPages(dir: string, name: string, seen: SeenDocument, evaluations: DocumentResult['evaluations']): string[] {
  mkdirSync(dir, { recursive: true });
  const roles = rowRoles(seen.rows, evaluations);
  return seen.pages.map((page) => {
    const file = join(dir, `${name}.page-${page.page}.svg`);
    writeFileSync(file, pageSvg(page, seen.rows, evaluations, roles));
    return file;
  });
}

async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: {
      db: { type: 'string', default: 'out/zipin.sqlite' }, by: { type: 'string' }, year: { type: 'string' },
      sort: { type: 'string' }, format: { type: 'string' },
    },
  });
  noArguments('compare', positionals);
  const by = oneOf<GroupBy>(values.by, 'by', ['department', 'unit', 'year'], 'department');
  const sort = oneOf<SortBy>(values.sort, 'sort', ['rate', 'score', 'gap'], 'rate');
  const format = oneOf(values.format, 'format', ['table', 'csv', 'json'] as const, 'table');
  const year = values.year === undefined ? undefined : positiveInt(values.year, 'year', 0);
  const rows = await withDataset(values.db, (db) => compare(db, { by, sort, ...(year === undefined ? {} : { year }) }));
  const label = { department: '主管部门', unit: '实施单位', year: '年度' }[by];
  process.stdout.write(`${formatComparison(rows, format, label)}\n`);
  return 0;
}

async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: { db: { type: 'string', default: 'out/zipin.sqlite' }, out: { type: 'string' }, format: { type: 'string' } },
  });
  noArguments('export', positionals);
  if (values.out === undefined) throw new UsageError('export needs --out DIR');
  const format = oneOf<ExportFormat>(values.format, 'format', ['csv', 'jsonl'], 'csv');
  const out = values.out;
  for (const { file, rows } of await withDataset(values.db, (db) => exportDataset(db, out, format))) process.stdout.write(`${file}: ${rows} rows\n`);
  return 0;
}

async function reportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: { db: { type: 'string', default: 'out/zipin.sqlite' }, out: { type: 'string', default: 'out/report.html' } },
  });
  noArguments('report', positionals);
  const html = await withDataset(values.db, (db) => buildReport(db));
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, html);
  process.stdout.write(`${values.out}\n`);
  return 0;
}

async function totextCommand(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: {} });
  if (positionals.length !== 1) throw new UsageError('totext takes exactly one file');
  const path = positionals[0]!;
  try {
    const doc = await extract(readRegularFile(path), path, FORM_SENSE);
    let page: number | null = null;
    for (const row of doc.rows) {
      if (page !== null && row.page !== page) process.stdout.write('\n'); // a blank line between pages
      page = row.page;
      process.stdout.write(`${row.cells.join('\t')}\n`);
    }
    return 0;
  } catch (error) {
    if (!(error instanceof DocumentError) && !(error instanceof InputError)) throw error;
    process.stderr.write(`zipin: ${path}: ${(error as Error).message}\n`);
    return 1;
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'extract': return await extractCommand(rest);
      case 'inspect': return await inspectCommand(rest);
      case 'totext': return await totextCommand(rest);
      case 'compare': return await compareCommand(rest);
      case 'crawl': return await crawlCommand(rest);
      case 'export': return await exportCommand(rest);
      case 'report': return await reportCommand(rest);
      case '--version': case '-v':
        process.stdout.write(`${PIPELINE_VERSION}\n`);
        return 0;
      case undefined: case '--help': case '-h': case 'help':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof DatabaseBusyError) {
      process.stderr.write(`zipin: ${command}: ${error.message}\n`);
      return 3;
    }
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (!usage) throw error;
    process.stderr.write(`zipin: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
}

// Output piped into `head` and the like: the reader left, so stop quietly as other tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    process.stderr.write(`zipin: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
