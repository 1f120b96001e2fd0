import { loadPdfJs } from '../extract/pdf/pdfjs.js';
import { readRegularFile } from './input.js';
import { processFile, sha256, unreadableDocument } from './process.js';
import type { WorkerReply, WorkerTask } from './pool.js';

// Loaded while the first file is on its way, not after it arrives. A failure to load shows on
// the first PDF, which awaits the same promise.
if (process.env.ZIPIN_PRELOAD_PDF === '1') loadPdfJs().catch(() => undefined);

const reply = (message: WorkerReply) => process.send!(message);

/** A pool worker process: reads and processes the files it is sent, one result per file. */
process.on('message', async (task: WorkerTask) => {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(task.path);
  } catch (error) {
    reply({ id: task.id, kind: 'done', results: [unreadableDocument(task.path, error)] });
    return;
  }
  const hash = sha256(bytes);
  reply({ id: task.id, kind: 'read', sha256: hash });
  reply({ id: task.id, kind: 'done', results: await processFile(bytes, task.path, hash) });
});
// The pool going away ends this process too.
process.on('disconnect', () => process.exit(0));
