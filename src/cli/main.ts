#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { processDocument, unreadableDocument } from '../pipeline/process.js';
import { runExtract, type ExtractSummary } from '../pipeline/run.js';
import { PIPELINE_VERSION } from '../version.js';
import { formatInspection } from './inspect.js';
import { ProgressBar } from './progress.js';

const USAGE = `zipin ${PIPELINE_VERSION} — performance self-evaluation forms (项目支出绩效自评表) → SQLite

Usage:
  zipin extract <file|dir>... [--db out/zipin.sqlite] [--concurrency N]
      Extract every supported file (directories are searched recursively) into the database.
      Exit 0 when every document was processed, 1 when any failed, 2 on usage errors.
  zipin inspect <file>
      Show each block found in one document: lines, header, funding, indicators, flags.
  zipin --help | --version
`;

class UsageError extends Error {}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} takes a whole number ≥ 1, not "${value}"`);
  return n;
}

function formatSummary(s: ExtractSummary, db: string): string {
  return [
    `documents: ${s.documents} (ok ${s.ok}, no blocks ${s.noBlocks}, failed ${s.failed})${s.skipped ? `; ${s.skipped} unsupported file(s) skipped` : ''}`,
    `evaluations: ${s.evaluations} (confidence high ${s.confidence.high}, medium ${s.confidence.medium}, low ${s.confidence.low})`,
    `indicators: ${s.indicators}`,
    `flags: ${s.flags.error} error, ${s.flags.warn} warn, ${s.flags.info} info`,
    `database: ${db} (run ${s.runId})`,
  ].join('\n');
}

async function extractCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: { db: { type: 'string', default: 'out/zipin.sqlite' }, concurrency: { type: 'string' } },
  });
  if (positionals.length === 0) throw new UsageError('extract needs at least one file or directory');
  const concurrency = positiveInt(values.concurrency, 'concurrency', availableParallelism());
  const progress = new ProgressBar();
  let blocks = 0;
  const summary = await runExtract(positionals, {
    db: values.db, concurrency, command: ['extract', ...args].join(' '),
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
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: {} });
  if (positionals.length !== 1) throw new UsageError('inspect takes exactly one file');
  const path = positionals[0]!;
  let result;
  try {
    result = processDocument(await readFile(path), path);
  } catch (error) {
    result = unreadableDocument(path, error);
  }
  process.stdout.write(`${formatInspection(result)}\n`);
  return result.document.status === 'failed' ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'extract': return await extractCommand(rest);
      case 'inspect': return await inspectCommand(rest);
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
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (!usage) throw error;
    process.stderr.write(`zipin: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    process.stderr.write(`zipin: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
