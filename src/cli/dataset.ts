import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportDataset, type ExportFormat } from '../export/export.js';
import { compare, departments, matchDepartment, type Department, type GroupBy, type SortBy } from '../query/compare.js';
import { toCsv } from '../export/csv.js';
import { renderTable } from './text-width.js';
import { datasetStatus, type DatasetStatus, type RunCounts } from '../queue/status.js';
import { buildReport } from '../report/report.js';
import { isPostgresUrl } from '../store/target.js';
import { noArguments, oneOf, positiveInt, UsageError, withDataset } from './args.js';
import { comparisonNotes, formatComparison } from './compare.js';
import { datasetOf, DB_OPTION, shownDataset } from './options.js';
import type { CommandSpec, Parsed } from './spec.js';
import { makeFolder } from '../pipeline/folders.js';

/** Commands that read the dataset (opened read-only; an older schema is brought up to date first). */

export const COMPARE: CommandSpec = {
  name: 'compare',
  args: '',
  summary: 'One row per department: budget, execution rate, self-scores, short-falls still given full marks.',
  description: `Money and execution rates come from each form's 年度资金总额 line; projects whose budget was withdrawn
during the year (flag budget_withdrawn) are counted in their own column and left out of rates and mean
scores. Short-falls are the dataset's own judgement (the judgements view). Exit 1 when nothing matches --year.`,
  options: [
    DB_OPTION,
    { name: 'by', value: 'department|unit|year', default: 'department', help: 'what one row stands for (unit: 实施单位, else the 主管部门)' },
    { name: 'year', value: 'YEAR', help: 'only forms of this year' },
    { name: 'department', value: 'NAME', help: 'only forms of this 主管部门 (or 一级预算单位; a part of its name will do): with --by year, its years side by side' },
    { name: 'list', help: 'list the departments and their forms and units instead (what --department can name)' },
    { name: 'sort', value: 'rate|score|gap', default: 'rate', help: 'lowest execution first, highest mean self-score first, or most full marks despite short-falls first (--by year: always in year order)' },
    { name: 'format', value: 'table|csv|json', default: 'table', help: 'how to print the rows' },
  ],
  examples: ['zipin compare --sort gap                      # who scored full marks while missing targets', 'zipin compare --by year --format csv > years.csv',
    'zipin compare --list                          # the departments there are', 'zipin compare --by year --department 大鹏       # one department, year by year'],
};

export const EXPORT: CommandSpec = {
  name: 'export',
  args: '',
  summary: 'Write the dataset as files: one per table, plus indicators_flat.',
  description: `One file per table: documents, evaluations, funding, indicators, flags, judgements, sources, pages, runs,
failures and forms; the views form_sources, projects and series_links; and indicators_flat (each indicator with
its evaluation, document and judgement). CSV is UTF-8 with a BOM (Excel opens it right); --format jsonl writes
one JSON object a line; --format parquet writes Apache Parquet with typed columns (money as DECIMAL(38,6) in 元,
exact; times as UTC timestamps) for pandas, DuckDB or R. A folder that cannot be made is a one-line error.

Example: zipin export --out out/export`,
  options: [
    DB_OPTION,
    { name: 'out', value: 'DIR', help: 'the folder to write (required)' },
    { name: 'format', value: 'csv|jsonl|parquet', default: 'csv', help: 'CSV, one JSON object per line, or typed Parquet' },
  ],
  examples: ['zipin export --out out/export                 # CSV for Excel, pandas and R',
    'zipin export --out out/parquet --format parquet   # typed columns for pandas, DuckDB and R'],
};

export const REPORT: CommandSpec = {
  name: 'report',
  args: '',
  summary: 'Write one self-contained HTML page answering the headline questions.',
  description: 'Charts per department and per project, and a searchable, sortable table of every project; it fetches nothing.',
  options: [DB_OPTION, { name: 'out', value: 'FILE', default: 'out/report.html', help: 'the page to write' }],
  examples: ['zipin report --out out/report.html           # a page to look at'],
};

export const STATUS: CommandSpec = {
  name: 'status',
  args: '',
  summary: 'What the dataset holds, its last runs, and (PostgreSQL) its queue: queued, running, failed jobs, throughput.',
  description: `Documents and sources by status, the evaluations counted (one per form) and the forms, the last runs
(one never finished was stopped, or is still going). On a PostgreSQL dataset with a queue: jobs queued
(and of them waiting to retry), running (with their URL, since when, which try), done and failed (the
latest with their reasons), and how many were done in the last 10 minutes and the last hour.`,
  options: [DB_OPTION, { name: 'json', help: 'print it as one JSON object' }],
  examples: ['zipin status --json                          # what the dataset holds, its last runs'],
};

const dbOf = (values: Parsed['values']) => datasetOf(values);

export async function compareCommand({ values, positionals }: Parsed): Promise<number> {
  noArguments('compare', positionals);
  const by = oneOf<GroupBy>(values.by as string | undefined, 'by', ['department', 'unit', 'year'], 'department');
  const sort = oneOf<SortBy>(values.sort as string | undefined, 'sort', ['rate', 'score', 'gap'], 'rate');
  const format = oneOf(values.format as string | undefined, 'format', ['table', 'csv', 'json'] as const, 'table');
  const year = values.year === undefined ? undefined : positiveInt(values.year as string, 'year', 0);
  const asked = values.department as string | undefined;
  const { comparison, all, matched } = await withDataset(dbOf(values), async (db) => {
    const all = await departments(db);
    const matched = asked === undefined ? [] : matchDepartment(all, asked);
    const department = matched.length === 1 ? matched[0]!.department : asked;
    return { all, matched, comparison: await compare(db, { by, sort, ...(year === undefined ? {} : { year }), ...(department === undefined ? {} : { department }) }) };
  });
  if (values.list === true) {
    process.stdout.write(format === 'json' ? `${JSON.stringify(all, null, 2)}\n` : format === 'csv' ? `${toCsv(['department', 'forms', 'units'], all as unknown as Array<Record<string, unknown>>)}\n`
      : `${renderTable([{ header: '主管部门', max: 40 }, { header: '表数', align: 'right' }, { header: '实施单位数', align: 'right' }], all.map((d) => [d.department, String(d.forms), String(d.units)]))}\n`);
    return 0;
  }
  if (asked !== undefined && matched.length !== 1) {
    const shown = (ds: readonly Department[]) => ds.slice(0, 10).map((d) => `${d.department} (${d.forms})`).join(', ') + (ds.length > 10 ? ', …' : '');
    process.stderr.write(matched.length === 0
      ? `zipin: compare: no department's name holds "${asked}"; departments there: ${shown(all)} (compare --list names them all)\n`
      : `zipin: compare: "${asked}" is part of ${matched.length} departments' names: ${shown(matched)}; name one of them\n`);
    return 1;
  }
  if (asked !== undefined && matched[0]!.department !== asked) process.stderr.write(`zipin: compare: --department "${asked}" is ${matched[0]!.department}\n`);
  if (comparison.rows.length === 0) {
    process.stderr.write(`zipin: compare: no evaluations${year === undefined ? '' : ` of ${year}`}${asked === undefined ? '' : ` of ${matched[0]!.department}`} in the dataset${comparison.years.length ? ` (years there: ${comparison.years.join(', ')})` : ''}\n`);
    return 1;
  }
  const label = { department: '主管部门', unit: '实施单位', year: '年度' }[by];
  process.stdout.write(`${formatComparison(comparison.rows, format, label)}\n`);
  if (format === 'table') process.stdout.write(comparisonNotes(comparison, by));
  return 0;
}

export async function exportCommand({ values, positionals }: Parsed): Promise<number> {
  noArguments('export', positionals);
  const out = values.out as string | undefined;
  if (out === undefined) throw new UsageError('needs --out DIR');
  const format = oneOf<ExportFormat>(values.format as string | undefined, 'format', ['csv', 'jsonl', 'parquet'], 'csv');
  for (const { file, rows } of await withDataset(dbOf(values), (db) => exportDataset(db, out, format))) process.stdout.write(`${file}: ${rows} rows\n`);
  return 0;
}

export async function statusCommand({ values, positionals }: Parsed): Promise<number> {
  noArguments('status', positionals);
  const db = dbOf(values);
  const s = await withDataset(db, (reader) => datasetStatus(reader, isPostgresUrl(db)));
  process.stdout.write(values.json === true ? `${JSON.stringify({ database: shownDataset(db), ...s })}\n` : formatStatus(s, shownDataset(db)));
  return 0;
}

const counts = (byStatus: Record<string, number>) => Object.entries(byStatus).map(([k, n]) => `${k.replace('_', ' ')} ${n}`).join(', ') || 'none';

/** What one run did, in one line. */
function runCounts(c: RunCounts): string {
  const read = `documents ${c.documents} (ok ${c.ok}, failed ${c.failed}${c.unchanged ? `, unchanged ${c.unchanged} not read again` : ''}), evaluations written ${c.evaluations}`;
  return c.sources > 0 ? `${read}; sources ${c.sources} (new ${c.sourcesNew}, changed ${c.sourcesChanged}, failed ${c.sourcesFailed})` : read;
}

function formatStatus(s: DatasetStatus, where: string): string {
  const lines = [
    `database: ${where}`,
    `documents: ${counts(s.documents)}`,
    `evaluations: ${s.evaluations} counted, one per form (forms: ${s.forms})`,
    `sources: ${counts(s.sources)}`,
    'runs (latest first):',
    ...s.runs.flatMap((r) => [`  ${r.id}  ${r.startedAt}  ${r.finishedAt === null ? 'not finished' : `finished ${r.finishedAt}`}  ${r.command}`, `      ${runCounts(r.counts)}`]),
  ];
  const q = s.queue;
  if (q === null) lines.push(`queue: none${isPostgresUrl(where) ? ' yet ("zipin crawl --enqueue" makes it)' : ' (an SQLite dataset; crawl --enqueue and worker need PostgreSQL)'}`);
  else {
    lines.push(
      `queue: queued ${q.queued} (waiting to retry ${q.retrying}), running ${q.running}, done ${q.done}, failed ${q.failed}`,
      `throughput: ${q.doneLast10Minutes} done in the last 10 minutes, ${q.doneLastHour} in the last hour (${counts(q.outcomesLastHour)}); last done ${q.lastDone ?? 'never'}`,
      ...q.runningJobs.map((j) => `  running: ${j.url} since ${j.since} (try ${j.attempt})`),
      ...q.failedJobs.map((j) => `  failed: ${j.url} at ${j.at}: ${j.reason}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function reportCommand({ values, positionals }: Parsed): Promise<number> {
  noArguments('report', positionals);
  const out = (values.out as string | undefined) ?? 'out/report.html';
  const html = await withDataset(dbOf(values), (db) => buildReport(db));
  makeFolder(dirname(out));
  writeFileSync(out, html);
  process.stdout.write(`${out}\n`);
  return 0;
}
