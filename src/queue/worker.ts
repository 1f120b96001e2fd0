import type PgBoss from 'pg-boss';
import { checkAttachment, type Checked } from '../crawl/attachment.js';
import { tally, type SourceCounts } from '../crawl/crawl.js';
import { Fetcher, type CrawlEvent } from '../crawl/fetcher.js';
import { createProcessor, type Limits } from '../pipeline/pool.js';
import type { Dataset } from '../store/dataset.js';
import { ATTACHMENTS, attachmentJob, attachmentOf, jobPolicy, type AttachmentJob } from './jobs.js';
import type { Queue } from './queue.js';
import { makeFolder } from '../pipeline/folders.js';

export interface WorkerOptions {
  /** Jobs worked on at once (and processes reading their documents). */
  concurrency: number;
  /** Stop when the queue is drained (nothing queued, waiting to retry or running anywhere) instead of waiting for more. */
  once: boolean;
  filesDir: string;
  limits: Limits;
  command: string;
  /** Aborted to stop taking jobs; those running are finished. */
  stop: AbortSignal;
}

export interface WorkerSummary extends SourceCounts {
  runId: number;
  /** Jobs taken, and of them those handed back to the queue to be tried again later. */
  jobs: number;
  retried: number;
}

/** How long an idle worker waits before it asks the queue again. */
const POLL_MS = 1000;

/** What a job's fetches may use of its timeout: the rest is left to reading what came (each document bounded by its own limits). */
const FETCH_SHARE = 0.5;

const pause = (ms: number, stop: AbortSignal, running: Iterable<Promise<unknown>>) => new Promise<void>((resolve) => {
  const timer = setTimeout(done, ms);
  function done() {
    clearTimeout(timer);
    stop.removeEventListener('abort', done);
    resolve();
  }
  stop.addEventListener('abort', done, { once: true });
  for (const p of running) p.then(done, done);
});

/**
 * `zipin worker`: take attachment jobs off the queue, `concurrency` at a time, and do each as the
 * crawl that enqueued it would have (fetch with its settings, robots.txt, the stored ETag; read,
 * OCR included; store in one transaction). A job that failed for a passing reason, or whose
 * dataset work failed (a lost connection: nothing of it was stored), goes back to the queue to be
 * tried again after a backoff; on its last try its failure is recorded in `sources` with its
 * reason. The worker's work is one run in `runs`.
 */
export async function work(store: Dataset, queue: Queue, options: WorkerOptions, log: (e: CrawlEvent) => void): Promise<WorkerSummary> {
  makeFolder(options.filesDir);
  const summary: WorkerSummary = {
    runId: await store.startRun(options.command), jobs: 0, retried: 0, sources: 0, new: 0, changed: 0, unchanged: 0, unsupported: 0,
    disallowed: 0, failed: 0, stillFailing: 0, notChecked: 0, evaluations: 0,
  };
  const processor = createProcessor(options.concurrency, options.limits);
  // One per crawl's HTTP settings: its hosts' politeness gates and robots.txt are shared by that crawl's jobs.
  const fetchers = new Map<string, Fetcher>();
  const fetcherFor = (job: AttachmentJob) => {
    const key = JSON.stringify(job.http);
    let f = fetchers.get(key);
    if (!f) fetchers.set(key, (f = new Fetcher(jobPolicy(job, new AbortController().signal), log)));
    return f;
  };
  const { boss } = queue;

  const handle = async (job: PgBoss.JobWithMetadata<unknown>) => {
    summary.jobs++;
    const last = job.retryCount >= job.retryLimit;
    const giveBack = async (reason: string) => {
      await boss.fail(ATTACHMENTS, job.id, { message: reason });
      if (!last) summary.retried++;
    };
    let data: AttachmentJob;
    try {
      data = attachmentJob(job.data);
    } catch (error) {
      log({ event: 'failed', url: String((job.data as { url?: unknown } | null)?.url ?? job.id), reason: (error as Error).message });
      return giveBack((error as Error).message);
    }
    const deadline = AbortSignal.timeout(Math.max(1, Math.floor(data.timeoutSeconds * 1000 * FETCH_SHARE)));
    const ctx = { store, fetcher: fetcherFor(data), processor, filesDir: options.filesDir, runId: summary.runId, deadline };
    let c: Checked;
    try {
      c = await store.exclusively(`url:${data.url}`, () => checkAttachment(ctx, attachmentOf(data)));
    } catch (error) {
      // The dataset (a lost connection) or the reading broke: the document's transaction was not committed.
      const reason = `worker: ${(error as Error).message.split('\n')[0]}`;
      log({ event: last ? 'failed' : 'retry', url: data.url, reason, attempt: job.retryCount + 1 });
      if (last) {
        await store.writeSource({ url: data.url, kind: data.kind === 'unsupported' ? 'unsupported' : data.kind, foundOn: data.foundOn,
          checkedAt: new Date().toISOString(), changed: false, status: 'failed', error: reason }).catch(() => undefined);
        tally(summary, { outcome: 'failed', source: true, evaluations: 0, still: false, passing: false });
      }
      return giveBack(reason).catch(() => undefined);
    }
    const unfinished = (c.outcome === 'failed' && c.passing) || c.outcome === 'not checked';
    if (unfinished && !last) {
      log({ event: 'retry', url: data.url, reason: c.outcome === 'failed' ? 'a passing failure' : 'not fetched in time', attempt: job.retryCount + 1 });
      return giveBack(c.outcome);
    }
    if (c.outcome === 'not checked') {
      const reason = `not fetched within ${data.timeoutSeconds * FETCH_SHARE} s, ${job.retryCount + 1} times`;
      await store.writeSource({ url: data.url, kind: data.kind === 'unsupported' ? 'unsupported' : data.kind, foundOn: data.foundOn,
        checkedAt: new Date().toISOString(), changed: false, status: 'failed', error: reason });
      c = { ...c, outcome: 'failed', source: true };
    }
    tally(summary, c);
    await boss.complete(ATTACHMENTS, job.id, { outcome: c.outcome, evaluations: c.evaluations });
  };

  const running = new Set<Promise<void>>();
  try {
    while (!options.stop.aborted) {
      const free = options.concurrency - running.size;
      if (free > 0) {
        const jobs = await boss.fetch<unknown>(ATTACHMENTS, { batchSize: free, includeMetadata: true });
        for (const job of jobs) {
          const p: Promise<void> = handle(job).catch((error: unknown) => {
            log({ event: 'failed', url: job.id, reason: `worker: ${(error as Error).message}` });
          }).finally(() => running.delete(p));
          running.add(p);
        }
        if (jobs.length > 0) continue;
      }
      if (options.once && running.size === 0) {
        if (await boss.getQueueSize(ATTACHMENTS, { before: 'completed' }) === 0) break;
        // Jobs held by a worker that died come back once their timeout has passed: look now, not at the next maintenance.
        await boss.expire();
      }
      await pause(POLL_MS, options.stop, running);
    }
    await Promise.all(running);
  } finally {
    await processor.close();
    for (const f of fetchers.values()) await f.close();
    await store.finishRun(summary.runId, {
      documentsSeen: summary.new + summary.changed + summary.failed, documentsOk: summary.new + summary.changed,
      documentsFailed: summary.failed, evaluationsWritten: summary.evaluations, sourcesSeen: summary.sources,
      sourcesNew: summary.new, sourcesChanged: summary.changed, sourcesFailed: summary.failed,
    }).catch(() => undefined);
  }
  return summary;
}
