import { extname } from 'node:path';
import pLimit from 'p-limit';
import type { DocumentResult } from '../model/document.js';
import type { Confidence } from '../model/flag.js';
import { openDataset } from '../store/open.js';
import type { FormCounts } from '../store/writes.js';
import type { InputFiles } from './files.js';
import { createProcessor, DEFAULT_LIMITS, type Limits, type Processor } from './pool.js';
import { PIPELINE_VERSION } from '../version.js';
import { hashRegularFile } from './input.js';
import { unreadableDocument } from './process.js';

export interface ExtractOptions {
  db: string;
  concurrency: number;
  /** Per-document time and memory limits (defaults: DEFAULT_LIMITS). */
  limits?: Limits;
  command: string;
  /** How long to wait for another process writing the same database (default BUSY_TIMEOUT_MS). */
  busyTimeoutMs?: number;
  /** Read every file again, even those whose bytes this pipeline version already read. */
  force?: boolean;
  /** The source to record for a file read from elsewhere (standard input, kept in a temporary file). */
  sourceNames?: ReadonlyMap<string, string>;
  /** Called after each document is written (for progress and per-file messages). */
  onDocument?: (result: DocumentResult, done: number, total: number) => void;
}

export interface ExtractSummary {
  runId: number;
  documents: number;
  ok: number;
  noBlocks: number;
  failed: number;
  /** Failed documents whose earlier good rows (same bytes, an earlier run) were kept. */
  kept: number;
  /** Files not named .txt/.pdf/… found in the folders, left alone. */
  skipped: string[];
  /** Files whose bytes this pipeline version already read (ok or no blocks): rows untouched. */
  unchanged: number;
  /** Files with the same bytes as another input of this run: one document, read once. */
  duplicates: Array<{ path: string; of: string }>;
  /** Long PDFs whose pages several workers read (each a range). */
  shared: number;
  /** Worker processes the run started: one, and more only while the work left paid for them. */
  workers: number;
  evaluations: number;
  indicators: number;
  confidence: Record<Confidence, number>;
  flags: Record<'info' | 'warn' | 'error', number>;
  /** The dataset's forms once the run was written (its evaluations and the ones before, copies counted once). */
  forms: FormCounts;
}

/** Hashes read this many files at once, ahead of the workers. */
const HASH_CONCURRENCY = 8;

/**
 * The extract job: every input file through the pipeline into the database. Files are hashed
 * first (without blocking this thread): bytes this pipeline version already read are skipped
 * (`unchanged`, unless `force`), and a second input with the same bytes as an earlier one is a
 * duplicate, read once. `concurrency` workers parse while this thread writes each document as
 * soon as it is done; at most six documents per worker are in flight, so memory does not grow
 * with the corpus. A failing file is recorded and the run goes on.
 */
export async function runExtract(inputs: InputFiles, options: ExtractOptions): Promise<ExtractSummary> {
  const { files, skipped, unreadable } = inputs;
  const store = await openDataset(options.db, options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs });
  try {
    const runId = await store.startRun(options.command);
    const summary: ExtractSummary = {
      runId, documents: 0, ok: 0, noBlocks: 0, failed: 0, kept: 0, skipped, unchanged: 0, duplicates: [], shared: 0, workers: 0, evaluations: 0, indicators: 0,
      confidence: { high: 0, medium: 0, low: 0 }, flags: { info: 0, warn: 0, error: 0 }, forms: { forms: 0, moreCopies: 0, disagreeing: 0 },
    };
    const firstWith = new Map<string, string>(); // sha256 → the input of this run that had those bytes first
    /** Whether a document's bytes need reading (and writing): not a duplicate, not already current. */
    const fresh = async (path: string, sha256: string | null): Promise<boolean> => {
      if (sha256 === null) return true; // unreadable: its worker says why
      const first = firstWith.get(sha256);
      if (first !== undefined) {
        summary.duplicates.push({ path, of: first });
        return false;
      }
      firstWith.set(sha256, path);
      if (!options.force && await store.hasCurrent(sha256, PIPELINE_VERSION)) {
        summary.unchanged++;
        return false;
      }
      return true;
    };
    // Hashed ahead, HASH_CONCURRENCY at a time, and checked in input order, so that which of two
    // identical files is "the first" does not depend on timing.
    const hashLimit = pLimit(HASH_CONCURRENCY);
    const hashes = files.map((path) => hashLimit(() => hashRegularFile(path)));
    // Until every input is checked, the count of all of them: what progress counts up to.
    let total = files.length + unreadable.length;
    // Documents are written one at a time, in the order they are done (a dataset has one writer here).
    let writing = Promise.resolve();
    const record = (read: DocumentResult, input = read.document.source) => (writing = writing.then(() => write(read, input)));
    const write = async (read: DocumentResult, input: string) => {
      const name = options.sourceNames?.get(input);
      const result = name === undefined ? read : { ...read, document: { ...read.document, source: name + read.document.source.slice(input.length) } };
      // An archive's member is known by its own bytes, only once it is unpacked.
      if (read.document.source !== input && !await fresh(result.document.source, result.document.sha256)) return;
      if ((await store.writeDocument(result.document, result.evaluations, runId)).kept) summary.kept++;
      summary.documents++;
      if (result.document.status === 'ok') summary.ok++;
      else if (result.document.status === 'no_blocks') summary.noBlocks++;
      else summary.failed++;
      for (const e of result.evaluations) {
        summary.evaluations++;
        summary.indicators += e.indicators.length;
        summary.confidence[e.confidence]++;
        for (const f of e.flags) summary.flags[f.severity]++;
      }
      options.onDocument?.(result, summary.documents, total);
    };
    for (const { path, error } of unreadable) await record(unreadableDocument(path, error));
    // What is read is written once every input has been checked: an archive's members are checked
    // as they are written, after the inputs, as when every input was checked before any reading.
    let everyInputChecked!: () => void;
    const checked = new Promise<void>((resolve) => { everyInputChecked = resolve; });
    writing = writing.then(() => checked);
    // Workers only for what needs reading (a re-run over unchanged files starts none), started by
    // the first file that does, while the rest are still being hashed and checked.
    let processor: Processor | null = null;
    try {
      // Six files a worker in flight: the one it is on, two sent ahead (the pool's prefetch), and
      // room for those this process is still writing.
      const limit = pLimit(options.concurrency * 6);
      const reading: Array<Promise<void>> = [];
      let todo = 0;
      const pdfs = files.some((f) => extname(f).toLowerCase() === '.pdf');
      for (const [i, path] of files.entries()) {
        if (!await fresh(options.sourceNames?.get(path) ?? path, await hashes[i]!)) continue;
        todo++;
        const reader: Processor = processor ??= createProcessor(options.concurrency, options.limits ?? DEFAULT_LIMITS, pdfs);
        reading.push(limit(async () => {
          for (const result of await reader.process(path)) await record(result, path);
        }));
      }
      total = todo + unreadable.length;
      processor?.expect(todo);
      everyInputChecked();
      await Promise.all(reading);
      summary.shared = processor?.shared ?? 0;
      summary.workers = processor?.workers ?? 0;
    } finally {
      await processor?.close();
    }
    summary.forms = await store.formCounts();
    await store.finishRun(runId, {
      documentsSeen: summary.documents, documentsOk: summary.ok, documentsFailed: summary.failed, documentsKept: summary.kept,
      documentsUnchanged: summary.unchanged, evaluationsWritten: summary.evaluations,
    });
    return summary;
  } finally {
    await store.close();
  }
}
