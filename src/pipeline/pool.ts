import { readFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DocumentResult } from '../model/document.js';
import { failedDocument, processDocument, sha256, unreadableDocument } from './process.js';

export interface WorkerTask {
  id: number;
  path: string;
}

export interface WorkerReply {
  id: number;
  /** The DocumentResult as JSON. */
  json: string;
}

/** Turns a file path into a pipeline result; `close` releases whatever it holds. */
export interface Processor {
  process(path: string): Promise<DocumentResult>;
  close(): Promise<void>;
}

/** In the calling thread: for one-at-a-time runs, and where no compiled worker exists (tests on src/). */
class InlineProcessor implements Processor {
  async process(path: string): Promise<DocumentResult> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      return unreadableDocument(path, error);
    }
    return processDocument(bytes, path);
  }

  async close(): Promise<void> {}
}

/** Per-document limits: a huge or hostile file fails alone instead of hanging or sinking the run. */
export interface Limits {
  /** Wall-clock time one document may take. */
  timeoutMs: number;
  /** Heap one worker may use (V8 old generation). */
  memoryMb: number;
}

/**
 * 2048 MB, not less: below 2 GB of heap V8 grows the heap more timidly and collects more often,
 * which costs a busy worker 10–15% of its time.
 */
export const DEFAULT_LIMITS: Limits = { timeoutMs: 120_000, memoryMb: 2048 };

interface Job {
  task: WorkerTask;
  resolve: (r: DocumentResult) => void;
}

/**
 * Parsing off the main thread: one worker per core, each sent the next file as soon as it is
 * free, so the main thread only writes to SQLite. A document that runs out of time or memory,
 * or crashes its worker, fails with the reason; the worker is replaced and the run goes on.
 */
class WorkerPool implements Processor {
  private readonly slots: Array<{ worker: Worker; job: Job | null; timer: NodeJS.Timeout | null }> = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closing = false;

  constructor(private readonly script: string, size: number, private readonly limits: Limits, private readonly preloadPdf: boolean) {
    for (let i = 0; i < size; i++) this.slots.push({ worker: this.spawn(i), job: null, timer: null });
  }

  private spawn(slot: number): Worker {
    const worker = new Worker(this.script, { resourceLimits: { maxOldGenerationSizeMb: this.limits.memoryMb }, workerData: { preloadPdf: this.preloadPdf } });
    worker.on('message', (reply: WorkerReply) => this.finish(slot, JSON.parse(reply.json) as DocumentResult));
    worker.on('error', (error: Error & { code?: string }) => {
      const reason = error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `out of memory (over ${this.limits.memoryMb} MB)` : `worker crashed: ${error.message}`;
      this.fail(slot, reason);
    });
    return worker;
  }

  /** The slot's document failed for `reason`: answer it, replace the worker, go on. */
  private fail(slot: number, reason: string): void {
    const s = this.slots[slot]!;
    const job = s.job;
    if (s.timer) clearTimeout(s.timer);
    s.timer = null;
    s.job = null;
    void s.worker.terminate();
    if (this.closing) return;
    s.worker = this.spawn(slot);
    if (job) {
      let hash: string | null = null;
      try {
        hash = sha256(readFileSync(job.task.path)); // so that a re-run replaces this row
      } catch {
        // unreadable now: recorded without a hash
      }
      job.resolve(failedDocument(job.task.path, hash, reason));
    }
    this.next(slot);
  }

  private finish(slot: number, result: DocumentResult): void {
    const s = this.slots[slot]!;
    if (s.timer) clearTimeout(s.timer);
    const job = s.job;
    s.job = null;
    s.timer = null;
    job?.resolve(result);
    this.next(slot);
  }

  private next(slot: number): void {
    const s = this.slots[slot]!;
    const job = this.queue.shift();
    if (job === undefined || s.job !== null) {
      if (job) this.queue.unshift(job);
      return;
    }
    s.job = job;
    s.timer = setTimeout(() => this.fail(slot, `timed out after ${this.limits.timeoutMs / 1000} s`), this.limits.timeoutMs);
    s.worker.postMessage(job.task);
  }

  process(path: string): Promise<DocumentResult> {
    return new Promise((resolve) => {
      this.queue.push({ task: { id: this.nextId++, path }, resolve });
      const free = this.slots.findIndex((s) => s.job === null);
      if (free >= 0) this.next(free);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const s of this.slots) if (s.timer) clearTimeout(s.timer);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

/**
 * Workers when the compiled worker exists (the CLI); in the calling thread under tests on src/.
 * `preloadPdf`: PDFs are coming, so the workers load pdf.js as soon as they start.
 */
export function createProcessor(concurrency: number, limits: Limits = DEFAULT_LIMITS, preloadPdf = false): Processor {
  const script = fileURLToPath(new URL('./worker.js', import.meta.url));
  return existsSync(script) ? new WorkerPool(script, concurrency, limits, preloadPdf) : new InlineProcessor();
}
