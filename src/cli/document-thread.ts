import { Worker } from 'node:worker_threads';
import { DocumentError } from '../extract/index.js';
import type { DocumentJob } from './document-worker.js';

/**
 * One document's work for `inspect` or `totext` in a worker thread, stopped at `timeoutMs`: a
 * hostile or broken file (a parser caught in a loop) cannot hold the command forever. The
 * thread's heap is bounded too.
 */
export function inDocumentThread<T>(job: DocumentJob, timeoutMs: number, memoryMb: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./document-worker.js', import.meta.url), { workerData: job, resourceLimits: { maxOldGenerationSizeMb: memoryMb } });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new DocumentError(`timed out after ${timeoutMs / 1000} s`));
    }, timeoutMs);
    worker.once('message', (message: T) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(message);
    });
    worker.once('error', (error: Error & { code?: string }) => {
      clearTimeout(timer);
      reject(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new DocumentError(`out of memory (over ${memoryMb} MB)`) : error);
    });
  });
}
