import { extname } from 'node:path';
import pLimit from 'p-limit';
import type { DocumentResult } from '../model/document.js';
import type { Confidence } from '../model/flag.js';
import { Store } from '../store/store.js';
import { collectInputs } from './files.js';
import { createProcessor, DEFAULT_LIMITS, type Limits } from './pool.js';
import { unreadableDocument } from './process.js';

export interface ExtractOptions {
  db: string;
  concurrency: number;
  /** Per-document time and memory limits (defaults: DEFAULT_LIMITS). */
  limits?: Limits;
  command: string;
  /** How long to wait for another process writing the same database (default BUSY_TIMEOUT_MS). */
  busyTimeoutMs?: number;
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
  skipped: number;
  evaluations: number;
  indicators: number;
  confidence: Record<Confidence, number>;
  flags: Record<'info' | 'warn' | 'error', number>;
}

/**
 * The extract job: every input file through the pipeline into the database. `concurrency`
 * workers parse while this thread writes each document as soon as it is done; at most two
 * documents per worker are in flight, so memory does not grow with the corpus. A failing file
 * is recorded and the run goes on.
 */
export async function runExtract(inputs: readonly string[], options: ExtractOptions): Promise<ExtractSummary> {
  const { files, skipped, unreadable } = await collectInputs(inputs);
  // The workers start, and load pdf.js if PDFs are coming, while this thread opens the database.
  const processor = createProcessor(options.concurrency, options.limits ?? DEFAULT_LIMITS, files.some((f) => extname(f).toLowerCase() === '.pdf'));
  try {
    const store = new Store(options.db, options.busyTimeoutMs);
    try {
      const runId = store.startRun(options.command);
      const total = files.length + unreadable.length;
      const summary: ExtractSummary = {
        runId, documents: 0, ok: 0, noBlocks: 0, failed: 0, kept: 0, skipped: skipped.length, evaluations: 0, indicators: 0,
        confidence: { high: 0, medium: 0, low: 0 }, flags: { info: 0, warn: 0, error: 0 },
      };
      const record = (result: DocumentResult) => {
        if (store.writeDocument(result.document, result.evaluations, runId).kept) summary.kept++;
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
      for (const { path, error } of unreadable) record(unreadableDocument(path, error));
      const limit = pLimit(options.concurrency * 2);
      await Promise.all(files.map((path) => limit(async () => {
        for (const result of await processor.process(path)) record(result);
      })));
      store.finishRun(runId, {
        documentsSeen: summary.documents, documentsOk: summary.ok, documentsFailed: summary.failed, documentsKept: summary.kept,
        evaluationsWritten: summary.evaluations,
      });
      return summary;
    } finally {
      store.close();
    }
  } finally {
    await processor.close();
  }
}
