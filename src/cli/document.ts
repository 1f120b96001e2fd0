import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DocumentError, extract } from '../extract/index.js';
import { FORM_SENSE } from '../form/sense.js';
import type { DocumentResult } from '../model/document.js';
import { InputError, readRegularFile } from '../pipeline/input.js';
import { processDocument, unreadableDocument, type SeenDocument } from '../pipeline/process.js';
import { pageSvg, rowRoles } from '../report/page-svg.js';
import { UsageError } from './args.js';
import { formatInspection } from './inspect.js';
import type { CommandSpec, Parsed } from './spec.js';
import { readStdin, STDIN, stdinName } from './stdin.js';
import { terminalSafe } from './terminal.js';

/** Commands on one document, without the dataset: what zipin sees in it. */

export const INSPECT: CommandSpec = {
  name: 'inspect',
  args: '<file|->',
  summary: 'Show each block found in one document: lines, header, funding, indicators, flags.',
  description: `Nothing is written to the dataset. "-" reads the document from standard input. Exit 0 when the
document was read, 1 when it failed (the reason on standard error), 2 on usage errors.`,
  options: [
    { name: 'draw', value: 'DIR', help: 'write one SVG per PDF page to DIR: ruling lines, cells (merged ones dashed), text runs, blocks, rows coloured by role' },
    { name: 'json', help: 'print the document and its evaluations as one JSON object' },
  ],
};

export const TOTEXT: CommandSpec = {
  name: 'totext',
  args: '<file|->',
  summary: 'Print the tables zipin rebuilt from one document as tab-separated lines.',
  description: `Every format: a PDF's rebuilt tables (a blank line between pages), a workbook's visible sheets, a
Word document's or web page's tables and the lines around them. "-" reads standard input. Exit 1 when the
file cannot be read (the reason on standard error).`,
  options: [],
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
const failure = (command: string, file: string, reason: string) => process.stderr.write(`zipin: ${command}: ${terminalSafe(file)}: ${terminalSafe(reason)}\n`);

export async function inspectCommand({ values, positionals }: Parsed): Promise<number> {
  const seen: SeenDocument = { pages: [], rows: [] };
  const draw = values.draw as string | undefined;
  let result: DocumentResult;
  let shown = positionals[0] ?? '';
  try {
    const input = await documentBytes(positionals);
    shown = input.shown;
    result = await processDocument(input.bytes, input.path, undefined, draw === undefined ? undefined : seen);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    result = unreadableDocument(shown, error);
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
  mkdirSync(dir, { recursive: true });
  const roles = rowRoles(seen.rows, evaluations);
  return seen.pages.map((page) => {
    const file = join(dir, `${name}.page-${page.page}.svg`);
    writeFileSync(file, pageSvg(page, seen.rows, evaluations, roles));
    return file;
  });
}

export async function totextCommand({ positionals }: Parsed): Promise<number> {
  let shown = positionals[0] ?? '';
  try {
    const input = await documentBytes(positionals);
    shown = input.shown;
    const doc = await extract(input.bytes, input.path, FORM_SENSE);
    let page: number | null = null;
    for (const row of doc.rows) {
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
