import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DocumentResult } from '../model/document.js';
import { processDocument, unreadableDocument } from './process.js';

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

/**
 * Parsing off the main thread: one worker per core, each sent the next file as soon as it is
 * free, so the main thread only writes to SQLite. A worker that dies fails its file, not the run.
 */
class WorkerPool implements Processor {
  private readonly workers: Worker[];
  private readonly idle: Worker[] = [];
  private readonly queue: Array<{ task: WorkerTask; resolve: (r: DocumentResult) => void }> = [];
  private readonly pending = new Map<number, { path: string; resolve: (r: DocumentResult) => void; worker: Worker }>();
  private nextId = 0;

  constructor(script: string, size: number) {
    this.workers = Array.from({ length: size }, () => this.spawn(script));
  }

  private spawn(script: string): Worker {
    const worker = new Worker(script);
    worker.on('message', (reply: WorkerReply) => {
      const job = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      this.release(worker);
      job?.resolve(JSON.parse(reply.json) as DocumentResult);
    });
    worker.on('error', (error) => {
      for (const [id, job] of this.pending) {
        if (job.worker !== worker) continue;
        this.pending.delete(id);
        job.resolve(unreadableDocument(job.path, new Error(`worker crashed: ${error.message}`)));
      }
      const replacement = this.spawn(script);
      this.workers[this.workers.indexOf(worker)] = replacement;
      this.release(replacement);
    });
    this.idle.push(worker);
    return worker;
  }

  private release(worker: Worker): void {
    const next = this.queue.shift();
    if (next === undefined) {
      this.idle.push(worker);
      return;
    }
    this.pending.set(next.task.id, { path: next.task.path, resolve: next.resolve, worker });
    worker.postMessage(next.task);
  }

  process(path: string): Promise<DocumentResult> {
    return new Promise((resolve) => {
      const task = { id: this.nextId++, path };
      const worker = this.idle.pop();
      if (worker === undefined) {
        this.queue.push({ task, resolve });
        return;
      }
      this.pending.set(task.id, { path, resolve, worker });
      worker.postMessage(task);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export function createProcessor(concurrency: number): Processor {
  const script = fileURLToPath(new URL('./worker.js', import.meta.url));
  return concurrency > 1 && existsSync(script) ? new WorkerPool(script, concurrency) : new InlineProcessor();
}
