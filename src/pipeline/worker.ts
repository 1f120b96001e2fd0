import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { loadPdfJs } from '../extract/pdf/pdfjs.js';
import { processDocument, unreadableDocument } from './process.js';
import type { WorkerReply, WorkerTask } from './pool.js';

// Loaded while the first file is on its way, not after it arrives. A failure to load shows on
// the first PDF, which awaits the same promise.
if ((workerData as { preloadPdf?: boolean } | null)?.preloadPdf) loadPdfJs().catch(() => undefined);

/** A pool worker: reads and processes the files it is sent, one reply per file. */
parentPort!.on('message', async (task: WorkerTask) => {
  let result;
  try {
    result = await processDocument(readFileSync(task.path), task.path);
  } catch (error) {
    result = unreadableDocument(task.path, error);
  }
  // One JSON string crosses threads far cheaper than a structured clone of thousands of objects.
  const reply: WorkerReply = { id: task.id, json: JSON.stringify(result) };
  parentPort!.postMessage(reply);
});
