import pLimit from 'p-limit';
import { createProcessor, DEFAULT_LIMITS } from '../pipeline/pool.js';
import type { Dataset } from '../store/dataset.js';
import { checkAttachment, type Checked } from './attachment.js';
import type { CrawlOptions } from './config.js';
import { Fetcher, type CrawlEvent } from './fetcher.js';
import type { HttpPolicy } from './http.js';
import { walkListings, type Walked } from './listings.js';
import { makeFolder } from '../pipeline/folders.js';

export type { CrawlEvent } from './fetcher.js';

export interface CrawlSummary {
  runId: number;
  pages: number;
  pagesFailed: number;
  /** Of the failed pages, those that failed the same way last run. */
  pagesStillFailing: number;
  /** Further listing pages a pager claimed that --max-pages left unwalked. */
  pagesCapped: number;
  /** Listings whose paging stopped at a page with nothing new (not a full walk). */
  stopped: number;
  /** HTTP requests the run sent (robots.txt, retries and data calls included). */
  requests: number;
  sources: number;
  new: number;
  changed: number;
  unchanged: number;
  unsupported: number;
  disallowed: number;
  failed: number;
  /** Of the failed, those that failed the same way last run and did not change: known, not news. */
  stillFailing: number;
  /** Attachment links left alone because a cap (per page, per run) was reached. */
  capped: number;
  /** Pages and attachments not checked because the run's deadline came first (their rows untouched). */
  notChecked: number;
  evaluations: number;
}

/** The HTTP settings of a crawl, its deadline starting now. */
export function httpPolicy(options: CrawlOptions, deadline: AbortSignal = AbortSignal.timeout(options.deadlineMs)): HttpPolicy {
  return {
    userAgent: options.userAgent, timeoutMs: options.timeoutMs, maxBytes: options.maxBytes, retries: options.retries,
    backoffMs: options.backoffMs, maxRetryAfterMs: options.maxRetryAfterMs, privateHosts: options.privateHosts,
    allowedHosts: options.allowedHosts, perHost: options.perHost, delayMs: options.delayMs, deadline,
  };
}

/** What a run counts of the attachments it checked. */
export type SourceCounts = Pick<CrawlSummary, 'sources' | 'new' | 'changed' | 'unchanged' | 'unsupported' | 'disallowed' | 'failed' | 'stillFailing' | 'notChecked' | 'evaluations'>;

/** A check's outcome added to the run's counts. */
export function tally(summary: SourceCounts, c: Checked): void {
  if (c.source) summary.sources++;
  summary.evaluations += c.evaluations;
  if (c.outcome === 'not checked') summary.notChecked++;
  else if (c.outcome !== 'no form') summary[c.outcome]++;
  if (c.outcome === 'failed' && c.still) summary.stillFailing++;
}

/**
 * The nightly job: walk the listing pages, find attachments, fetch what is new or changed
 * (conditional requests), keep the bytes content-addressed, extract them through the same
 * pipeline, and record every attachment — also those zipin cannot read — in `sources`.
 * Each attachment is written in one transaction, so a run killed half-way leaves a consistent
 * database and the next run simply carries on.
 */
export async function crawl(store: Dataset, options: CrawlOptions, log: (e: CrawlEvent) => void, command: string): Promise<CrawlSummary> {
  makeFolder(options.filesDir);
  const summary: CrawlSummary = {
    runId: await store.startRun(command), pages: 0, pagesFailed: 0, pagesStillFailing: 0, pagesCapped: 0, stopped: 0, requests: 0, sources: 0,
    new: 0, changed: 0, unchanged: 0, unsupported: 0, disallowed: 0, failed: 0, stillFailing: 0, capped: 0, notChecked: 0, evaluations: 0,
  };
  const fetcher = new Fetcher(httpPolicy(options), log);
  const processor = createProcessor(options.concurrency, DEFAULT_LIMITS);
  try {
    const walked = await walkAndRecord(store, fetcher, options);
    Object.assign(summary, {
      pages: walked.pages, pagesFailed: walked.pagesFailed, pagesStillFailing: walked.pagesStillFailing, pagesCapped: walked.pagesCapped,
      stopped: walked.stopped, capped: walked.capped, notChecked: walked.notChecked,
    });
    const ctx = { store, fetcher, processor, filesDir: options.filesDir, runId: summary.runId };
    const limit = pLimit(Math.max(2, options.concurrency * 2));
    await Promise.all(walked.attachments.map((a) => limit(async () => tally(summary, await checkAttachment(ctx, a)))));
  } finally {
    summary.requests = fetcher.requests;
    await processor.close();
    await fetcher.close();
    await store.finishRun(summary.runId, {
      documentsSeen: summary.new + summary.changed + summary.failed, documentsOk: summary.new + summary.changed,
      documentsFailed: summary.failed, evaluationsWritten: summary.evaluations, sourcesSeen: summary.sources,
      sourcesNew: summary.new, sourcesChanged: summary.changed, sourcesFailed: summary.failed + summary.pagesFailed,
    });
  }
  return summary;
}

/** The listings walked with what earlier runs saw, and the pages fetched recorded (one transaction): for a crawl and for --enqueue alike. */
export async function walkAndRecord(store: Dataset, fetcher: Fetcher, options: CrawlOptions): Promise<Walked> {
  const walked = await walkListings(fetcher, options, await store.crawlMemory());
  await store.writePages(walked.visits, new Date().toISOString());
  return walked;
}
