import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DocumentError } from '../extract/index.js';
import type { DocumentResult } from '../model/document.js';
import { InputError, readRegularFile } from '../pipeline/input.js';
import { DEFAULT_LIMITS } from '../pipeline/pool.js';
import { failedDocument, unreadableDocument, type SeenDocument } from '../pipeline/process.js';
import { pageSvg, rowRoles } from '../report/page-svg.js';
import { MIN_MEMORY_MB, positiveInt, timeoutMs, UsageError } from './args.js';
import { inDocumentThread } from './document-thread.js';
import { formatInspection } from './inspect.js';
import type { CommandSpec, Parsed } from './spec.js';
import { readStdin, STDIN, stdinName } from './stdin.js';
import { fileLine } from './terminal.js';
import { makeFolder } from '../pipeline/folders.js';

/** Commands on one document, without the dataset: what zipin sees in it. */

/** The bounds a document is read under (as extract's, for a file read in a thread of this process). */
const LIMIT_OPTIONS = [
  { name: 'timeout', value: 'SECONDS', default: String(DEFAULT_LIMITS.timeoutMs / 1000), help: 'time the document may take' },
  { name: 'max-memory', value: 'MB', default: String(DEFAULT_LIMITS.memoryMb), help: "the reading thread's heap (at least 128)" },
];

export const INSPECT: CommandSpec = {
  name: 'inspect',
  args: '<file|->',
  summary: 'Show each block found in one document: lines, header, funding, indicators, flags.',
  description: `Nothing is written to the dataset. "-" reads the document from standard input. Exit 0 when the
document was read, 1 when it failed (the reason on standard error), 2 on usage errors.`,
  options: [
    { name: 'draw', value: 'DIR', help: 'write one SVG per PDF or scanned page to DIR: ruling lines, cells (merged ones dashed), text runs, blocks, rows coloured by role' },
    { name: 'json', help: 'print the document and its evaluations as one JSON object' },
    ...LIMIT_OPTIONS,
  ],
  examples: ['zipin inspect report.pdf --draw out/seen.html   # what each page gave, drawn'],
};

export const TOTEXT: CommandSpec = {
  name: 'totext',
  args: '<file|->',
  summary: 'Print the tables zipin rebuilt from one document as tab-separated lines.',
  description: `Every format: a PDF's rebuilt tables (a blank line between pages), a workbook's visible sheets, a
Word document's or web page's tables and the lines around them. "-" reads standard input. Exit 1 when the
file cannot be read (the reason on standard error).`,
  options: LIMIT_OPTIONS,
  examples: ['zipin totext form.ofd > form.txt   # the rebuilt tables as tab-separated text'],
};

/** One document's bytes and the name to show for it. */
async function documentBytes(positionals: readonly string[]): Promise<{ bytes: Buffer; path: string; shown: string }> {
  if (positionals.length !== 1) throw new UsageError('takes exactly one file (or - for standard input)');
  const path = positionals[0]!;
  if (path === STDIN) {
    const bytes = await readStdin();
    return { bytes, path: stdinName(bytes), shown: STDIN };
  }
  return { bytes: readRegularFile(path), path, shown: path };
}

/** A file-level failure in the one shape every command uses. */
const failure = (command: string, file: string, reason: string) => process.stderr.write(`${fileLine(command, file, reason)}\n`);

/** --timeout and --max-memory of a one-document command. */
function limitsOf(values: Parsed['values']): { timeoutMs: number; memoryMb: number } {
  return {
    timeoutMs: timeoutMs(values.timeout as string | undefined, DEFAULT_LIMITS.timeoutMs / 1000),
    memoryMb: positiveInt(values['max-memory'] as string | undefined, 'max-memory', DEFAULT_LIMITS.memoryMb, MIN_MEMORY_MB),
  };
}

export async function inspectCommand({ values, positionals }: Parsed): Promise<number> {
  const draw = values.draw as string | undefined;
  const limits = limitsOf(values);
  let result: DocumentResult;
  let seen: SeenDocument = { pages: [], rows: [] };
  let shown = positionals[0] ?? '';
  try {
    const input = await documentBytes(positionals);
    shown = input.shown;
    ({ result, seen } = await inDocumentThread<{ result: DocumentResult; seen: SeenDocument }>(
      { kind: 'inspect', bytes: input.bytes, path: input.path, draw: draw !== undefined }, limits.timeoutMs, limits.memoryMb));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // Past its time or memory the thread is stopped: the document failed, saying which.
    result = error instanceof DocumentError ? failedDocument(shown, null, error.message) : unreadableDocument(shown, error);
  }
  result = { ...result, document: { ...result.document, source: shown } };
  if (result.document.status === 'failed') failure('inspect', shown, result.document.error ?? 'failed');
  if (values.json === true) process.stdout.write(`${JSON.stringify(result)}\n`);
  else if (result.document.status !== 'failed') process.stdout.write(`${formatInspection(result)}\n`);
  if (draw !== undefined && result.document.status !== 'failed') {
    const drawn = drawPages(draw, basename(shown === STDIN ? 'stdin' : shown), seen, result.evaluations);
    const out = values.json === true ? process.stderr : process.stdout;
    out.write(drawn.length > 0 ? `\ndrawings (open in a browser):\n${drawn.map((f) => `  ${f}`).join('\n')}\n` : '\nno drawings: only PDF pages are drawn\n');
  }
  return result.document.status === 'failed' ? 1 : 0;
}

/** One SVG per page of what the extractor saw, in `dir`; the files written. */
function drawPages(dir: string, name: string, seen: SeenDocument, evaluations: DocumentResult['evaluations']): string[] {
  makeFolder(dir);
  const roles = rowRoles(seen.rows, evaluations);
  return seen.pages.map((page) => {
    const file = join(dir, `${name}.page-${page.page}.svg`);
    writeFileSync(file, pageSvg(page, seen.rows, evaluations, roles));
    return file;
  });
}

export async function totextCommand({ values, positionals }: Parsed): Promise<number> {
  const limits = limitsOf(values);
  let shown = positionals[0] ?? '';
  try {
    const input = await documentBytes(positionals);
    shown = input.shown;
    const out = await inDocumentThread<{ rows: Array<{ page: number | null; cells: string[] }> } | { error: string }>(
      { kind: 'totext', bytes: input.bytes, path: input.path }, limits.timeoutMs, limits.memoryMb);
    if ('error' in out) throw new DocumentError(out.error);
    let page: number | null = null;
    for (const row of out.rows) {
      if (page !== null && row.page !== page) process.stdout.write('\n'); // a blank line between pages
      page = row.page;
      process.stdout.write(`${row.cells.join('\t')}\n`);
    }
    return 0;
  } catch (error) {
    if (!(error instanceof DocumentError) && !(error instanceof InputError)) throw error;
    failure('totext', shown, error.message);
    return 1;
  }
}
