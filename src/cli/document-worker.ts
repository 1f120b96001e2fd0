import { parentPort, workerData } from 'node:worker_threads';
import { DocumentError, extract } from '../extract/index.js';
import { FORM_SENSE } from '../form/sense.js';
import { processDocument, type SeenDocument } from '../pipeline/process.js';

/** What `inspect` or `totext` asks of one document, read in a thread that can be stopped at its time limit. */
export type DocumentJob = { kind: 'inspect'; bytes: Uint8Array; path: string; draw: boolean } | { kind: 'totext'; bytes: Uint8Array; path: string };

const job = workerData as DocumentJob;
if (job.kind === 'inspect') {
  const seen: SeenDocument = { pages: [], rows: [] };
  const result = await processDocument(job.bytes, job.path, undefined, job.draw ? seen : undefined);
  parentPort!.postMessage({ result, seen });
} else {
  try {
    parentPort!.postMessage({ rows: (await extract(job.bytes, job.path, FORM_SENSE)).rows.map((r) => ({ page: r.page, cells: r.cells })) });
  } catch (error) {
    if (!(error instanceof DocumentError)) throw error;
    parentPort!.postMessage({ error: error.message });
  }
}
