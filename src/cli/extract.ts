import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectInputs, type InputFiles } from '../pipeline/files.js';
import { DEFAULT_LIMITS } from '../pipeline/pool.js';
import { runExtract, type ExtractSummary } from '../pipeline/run.js';
import { BUSY_TIMEOUT_MS } from '../store/store.js';
import { MIN_MEMORY_MB, positiveInt, timeoutMs, UsageError, workerCount } from './args.js';
import { ProgressBar } from './progress.js';
import { fileLine } from './terminal.js';
import { datasetOf, DB_OPTION, OUTPUT_OPTIONS, shownDataset, WORKER_OPTIONS } from './options.js';
import type { CommandSpec, Parsed } from './spec.js';
import { readStdin, STDIN, stdinName } from './stdin.js';

/** Skipped files the summary names without --verbose. */
const SKIPPED_SHOWN = 5;

export const EXTRACT: CommandSpec = {
  name: 'extract',
  args: '<file|dir|->...',
  summary: 'Read every supported file into the dataset: one document per file, one evaluation per 自评表 found.',
  description: `Reads .txt/.tsv/.text, .pdf, .ofd, .xlsx/.xls/.et, .html/.htm/.mht, .docx/.doc/.wps, scans
(.png/.jpg/.jpeg/.tif/.tiff, read by OCR) and .zip/.7z/.rar archives (each member a document); folders are
searched recursively (a file whose name says nothing is taken when its bytes show a kind zipin reads), and
"-" reads one file from standard input. Files are read by what their bytes are; a document with no form
says why (--verbose prints it). A file whose bytes this zipin version already read is skipped as unchanged (--force
reads it again); a second input with the same bytes as another is named as its duplicate and read once.
Exit 0 when every document was read, 1 when any failed (the rest are saved), 2 on usage errors (nothing is
written), 3 when another process kept the dataset locked past --wait.`,
  options: [
    DB_OPTION, ...WORKER_OPTIONS,
    { name: 'force', help: 'read files again even when their bytes are already in the dataset' },
    ...OUTPUT_OPTIONS,
  ],
  examples: ['zipin extract corpus/                      # every form in a folder, into out/zipin.sqlite', 'zipin extract 2022年部门决算.7z --verbose     # an archive\'s members; say why a file gave no form'],
};

/** Inputs as given: each must exist (else a usage error, before the dataset is touched). */
async function inputsOf(positionals: readonly string[], stdinFile: string | null): Promise<InputFiles> {
  for (const path of positionals) {
    if (path === STDIN) continue;
    try {
      statSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`${path}: no such file or directory`);
    }
  }
  return collectInputs(positionals.map((p) => (p === STDIN ? stdinFile! : p)));
}

export async function extractCommand({ values, positionals, args }: Parsed): Promise<number> {
  if (positionals.length === 0) throw new UsageError('needs at least one file or directory (or - for standard input)');
  if (positionals.filter((p) => p === STDIN).length > 1) throw new UsageError('standard input (-) can be read once');
  const db = datasetOf(values);
  const quiet = values.quiet === true;
  const concurrency = workerCount(values.concurrency as string | undefined);
  const limits = {
    timeoutMs: timeoutMs(values.timeout as string | undefined, DEFAULT_LIMITS.timeoutMs / 1000),
    memoryMb: positiveInt(values['max-memory'] as string | undefined, 'max-memory', DEFAULT_LIMITS.memoryMb, MIN_MEMORY_MB),
  };
  const busyTimeoutMs = timeoutMs(values.wait as string | undefined, BUSY_TIMEOUT_MS / 1000, 'wait');
  let stdinDir: string | null = null;
  try {
    let stdinFile: string | null = null;
    if (positionals.includes(STDIN)) {
      const bytes = await readStdin();
      stdinDir = mkdtempSync(join(tmpdir(), 'zipin-stdin-'));
      stdinFile = join(stdinDir, stdinName(bytes));
      writeFileSync(stdinFile, bytes);
    }
    const inputs = await inputsOf(positionals, stdinFile);
    if (inputs.files.length + inputs.unreadable.length === 0) {
      const where = positionals.join(', ');
      process.stderr.write(`zipin: extract: no supported files found under ${where}${inputs.skipped.length ? ` (${inputs.skipped.length} other file(s) skipped; --verbose names them)` : ''}\n`);
      if (values.verbose === true) for (const path of inputs.skipped) process.stderr.write(`zipin: extract: skipped: ${path}\n`);
      return 1;
    }
    const progress = new ProgressBar();
    let blocks = 0;
    const summary = await runExtract(inputs, {
      db, concurrency, limits, busyTimeoutMs, force: values.force === true, command: ['extract', ...args].join(' '),
      ...(stdinFile ? { sourceNames: new Map([[stdinFile, STDIN]]) } : {}),
      onDocument: (result, done, total) => {
        blocks += result.evaluations.length;
        const d = result.document;
        if (d.status === 'failed') progress.log(fileLine('extract', d.source, d.error ?? 'failed'));
        else if (d.status === 'no_blocks' && values.verbose === true) progress.log(fileLine('extract', d.source, d.error ?? 'no form found'));
        if (!quiet) progress.update(done, total, `documents, ${blocks} blocks`);
      },
    });
    progress.done();
    if (values.json === true) process.stdout.write(`${JSON.stringify(summaryJson(summary, db))}\n`);
    else if (!quiet) process.stdout.write(`${formatSummary(summary, db, values.verbose === true)}\n`);
    return summary.failed > 0 ? 1 : 0;
  } finally {
    if (stdinDir) rmSync(stdinDir, { recursive: true, force: true });
  }
}

function summaryJson(s: ExtractSummary, db: string) {
  return {
    run: s.runId, database: shownDataset(db), documents: s.documents, ok: s.ok, noBlocks: s.noBlocks, failed: s.failed, kept: s.kept,
    unchanged: s.unchanged, duplicates: s.duplicates, skipped: s.skipped, shared: s.shared, workers: s.workers, evaluations: s.evaluations, indicators: s.indicators,
    confidence: s.confidence, flags: s.flags, forms: s.forms,
  };
}

function formatSummary(s: ExtractSummary, db: string, verbose: boolean): string {
  return [
    `documents: ${s.documents} (ok ${s.ok}, no blocks ${s.noBlocks}, failed ${s.failed})`,
    ...(s.unchanged ? [`unchanged: ${s.unchanged} file(s) already read with the same bytes by this zipin version; their rows untouched (--force reads them again)`] : []),
    ...s.duplicates.map((d) => `duplicate: ${d.path} has the same bytes as ${d.of}; read once`),
    ...(s.skipped.length ? [`skipped: ${s.skipped.length} file(s) zipin does not read${verbose || s.skipped.length <= SKIPPED_SHOWN ? '' : ` (the first ${SKIPPED_SHOWN}; --verbose names them all)`}`] : []),
    ...(verbose ? s.skipped : s.skipped.slice(0, SKIPPED_SHOWN)).map((path) => `  ${path}`),
    ...(s.shared && verbose ? [`shared: ${s.shared} scanned PDF(s) read by several workers, a range of pages each`] : []),
    ...(s.workers && verbose ? [`workers: ${s.workers} started (one, and more for scans, or while the files left paid for their warm-up and this process had time to spare)`] : []),
    ...(s.kept ? [`kept: ${s.kept} failed document(s) keep the good rows an earlier run wrote for the same bytes (see the failures table)`] : []),
    `evaluations: ${s.evaluations} (confidence high ${s.confidence.high}, medium ${s.confidence.medium}, low ${s.confidence.low})`,
    `forms: ${s.forms.forms} in the dataset (${s.forms.moreCopies} more copies of them; ${s.forms.disagreeing} whose copies disagree)`,
    `indicators: ${s.indicators}`,
    `flags: ${s.flags.error} error, ${s.flags.warn} warn, ${s.flags.info} info`,
    `database: ${shownDataset(db)} (run ${s.runId})`,
  ].join('\n');
}
