import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { DocumentResult } from '../model/document.js';
import { createProcessor, DEFAULT_LIMITS } from '../pipeline/pool.js';
import { sha256 } from '../pipeline/process.js';
import type { Dataset } from '../store/dataset.js';
import type { CrawlOptions } from './config.js';
import { decodeHtml } from '../extract/html.js';
import { imageKind, sniff, type FileKind } from '../extract/sniff.js';
import { DEADLINE_REASON, FetchError, fetchWithRetry, HostGate, type Fetched, type HttpPolicy } from './http.js';
import { extractLinks, linkKind, type LinkKind } from './links.js';
import { ALLOW_ALL, parseRobots, type Robots } from './robots.js';

/** One thing that happened, for the log (one JSON object per event with --log json). */
export interface CrawlEvent {
  event: 'page' | 'new' | 'changed' | 'unchanged' | 'unsupported' | 'disallowed' | 'failed' | 'retry' | 'skipped' | 'capped';
  url: string;
  [key: string]: unknown;
}

export interface CrawlSummary {
  runId: number;
  pages: number;
  pagesFailed: number;
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

/** What a Word attachment really is, by its bytes: Word 97, a web archive or page saved as .doc, else .docx. */
const WORD_FILES: Partial<Record<FileKind, string>> = { doc: 'doc', mhtml: 'mht', html: 'html' };

/**
 * The file name a download is kept under: its hash and a type zipin chose — nothing from the
 * server. The type is the bytes' where they are what the link promised, else the link's, so that
 * an error page served for a .pdf is reported as such.
 */
function storedName(hash: string, bytes: Buffer, kind: Exclude<LinkKind, 'unsupported'>): string {
  const is = sniff(bytes);
  if (is === 'pdf') return `${hash}.pdf`;
  if (kind === 'spreadsheet') return `${hash}.${is === 'xls' ? 'xls' : 'xlsx'}`;
  if (kind === 'word') return `${hash}.${WORD_FILES[is] ?? 'docx'}`;
  if (kind === 'image') return `${hash}.${is === 'image' ? imageKind(bytes)!.replace('jpeg', 'jpg').replace('tiff', 'tif') : 'png'}`;
  const ext: Record<typeof kind, string> = { pdf: 'pdf', page: 'html', archive: 'zip', text: 'txt' };
  return `${hash}.${ext[kind]}`;
}

/** How a source's error starts when its bytes came but could not be read. */
const EXTRACT_FAILURE = 'cannot extract: ';

/** Why a link's type is not read: .rar and .7z have no maintained pure-JavaScript reader; .ofd none at all. */
function unsupportedReason(url: URL): string {
  const ext = /\.[a-z0-9]{1,5}$/i.exec(url.pathname)?.[0].toLowerCase() ?? '';
  return `unsupported file type (${ext}): zipin does not read ${ext === '.ofd' ? 'OFD documents' : `${ext} archives`}`;
}

/** A page that may hold a form itself (an article page with the table pasted in), not only links to one. */
function mayHoldForm(body: Buffer, contentType: string | null): boolean {
  const charset = /charset=([A-Za-z0-9_-]+)/i.exec(contentType ?? '')?.[1] ?? null;
  try {
    const { text } = decodeHtml(body, charset);
    return /<table/i.test(text) && text.includes('自评');
  } catch {
    return false;
  }
}

function writeAtomically(path: string, bytes: Buffer): void {
  if (existsSync(path)) return; // content-addressed: same name, same bytes
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, bytes);
  renameSync(temp, path);
}

/**
 * The nightly job: walk the listing pages, find attachments, fetch what is new or changed
 * (conditional requests), keep the bytes content-addressed, extract them through the same
 * pipeline, and record every attachment — also those zipin cannot read — in `sources`.
 * Each attachment is written in one transaction, so a run killed half-way leaves a consistent
 * database and the next run simply carries on.
 */
export async function crawl(store: Dataset, options: CrawlOptions, log: (e: CrawlEvent) => void, command: string): Promise<CrawlSummary> {
  mkdirSync(options.filesDir, { recursive: true });
  const summary: CrawlSummary = {
    runId: await store.startRun(command), pages: 0, pagesFailed: 0, sources: 0, new: 0, changed: 0, unchanged: 0, unsupported: 0,
    disallowed: 0, failed: 0, stillFailing: 0, capped: 0, notChecked: 0, evaluations: 0,
  };
  const deadline = AbortSignal.timeout(options.deadlineMs);
  const policy: HttpPolicy = {
    userAgent: options.userAgent, timeoutMs: options.timeoutMs, maxBytes: options.maxBytes, retries: options.retries,
    backoffMs: options.backoffMs, maxRetryAfterMs: options.maxRetryAfterMs, privateHosts: options.privateHosts,
    allowedHosts: options.allowedHosts, perHost: options.perHost, delayMs: options.delayMs, deadline,
  };
  const gate = new HostGate(policy);
  /** The deadline cut this short: nothing learnt, nothing written. */
  const notChecked = (url: URL, page = false) => {
    summary.notChecked++;
    log({ event: 'skipped', url: url.href, reason: DEADLINE_REASON, ...(page ? { page } : {}) });
  };
  const onRetry = (url: URL) => (attempt: number, waitMs: number, reason: string) => log({ event: 'retry', url: url.href, attempt, waitMs, reason });
  const inScope = (url: URL) => (!options.include || options.include.test(url.href)) && !(options.exclude?.test(url.href));

  const robots = new Map<string, Promise<Robots>>();
  const robotsFor = (url: URL): Promise<Robots> => {
    let r = robots.get(url.origin);
    if (!r) {
      r = fetchWithRetry(new URL('/robots.txt', url.origin), { ...policy, retries: 1 }, gate)
        .then((res) => parseRobots(res.body?.toString('utf8') ?? '', 'zipin'))
        // No robots.txt (4xx) allows everything; an unreachable one (5xx, network) allows nothing this
        // run. A host refused outright is left to the request itself, which says why.
        .catch((error: unknown) => {
          if (error instanceof FetchError && ((error.status !== null && error.status < 500) || error.message.startsWith('refused'))) return ALLOW_ALL;
          return { allows: () => false, crawlDelaySeconds: null };
        });
      r.then((rules) => { if (rules.crawlDelaySeconds) gate.setDelay(url.host, rules.crawlDelaySeconds * 1000); }, () => {});
      robots.set(url.origin, r);
    }
    return r;
  };

  // 1. Listing pages, breadth first, within the allowed hosts.
  const attachments = new Map<string, { url: URL; kind: LinkKind; foundOn: string; fetched?: Fetched }>();
  const seen = new Set<string>();
  let level = options.seeds.map((url) => ({ url, depth: 0 }));
  for (const s of options.seeds) seen.add(s.href);
  while (level.length > 0 && summary.pages < options.maxPages) {
    const batch = level.slice(0, options.maxPages - summary.pages);
    summary.pages += batch.length;
    const next: typeof level = [];
    await Promise.all(batch.map(async ({ url, depth }) => {
      if (deadline.aborted) return notChecked(url, true);
      if (!(await robotsFor(url)).allows(url.pathname + url.search)) {
        log({ event: 'disallowed', url: url.href, reason: 'robots.txt' });
        return;
      }
      let html: string;
      try {
        const page = await fetchWithRetry(url, policy, gate, {}, onRetry(url));
        if (!/html|xml/i.test(page.headers.get('content-type') ?? 'text/html')) {
          log({ event: 'skipped', url: url.href, reason: `not an HTML page (${page.headers.get('content-type')})` });
          return;
        }
        html = page.body?.toString('utf8') ?? '';
        // An article page holding a form is a document too (only if a form is really found in it).
        if (page.body && mayHoldForm(page.body, page.headers.get('content-type'))) attachments.set(url.href, { url, kind: 'page', foundOn: url.href, fetched: page });
      } catch (error) {
        if ((error as Error).message === DEADLINE_REASON) return notChecked(url, true);
        summary.pagesFailed++;
        log({ event: 'failed', url: url.href, reason: (error as Error).message, page: true });
        return;
      }
      const links = extractLinks(html, url);
      log({ event: 'page', url: url.href, depth, links: links.length });
      let fromPage = 0;
      let capped = 0;
      for (const { url: link } of links) {
        if (seen.has(link.href) || !inScope(link)) continue;
        const kind = linkKind(link);
        if (kind === 'page') {
          if (options.allowedHosts.has(link.host) && depth + 1 <= options.maxDepth) {
            seen.add(link.href);
            next.push({ url: link, depth: depth + 1 });
          }
        } else if (!options.sameSite || options.allowedHosts.has(link.host)) {
          if (fromPage >= options.maxPageAttachments || attachments.size >= options.maxAttachments) {
            capped++;
            continue;
          }
          seen.add(link.href);
          fromPage++;
          attachments.set(link.href, { url: link, kind, foundOn: url.href });
        }
      }
      if (capped > 0) {
        summary.capped += capped;
        const limit = fromPage >= options.maxPageAttachments ? `${options.maxPageAttachments} per page` : `${options.maxAttachments} per run`;
        log({ event: 'capped', url: url.href, reason: `${capped} attachment link(s) not followed (limit ${limit})` });
      }
    }));
    level = next;
  }

  // 2. Attachments: fetch what changed, extract it, record every one.
  const processor = createProcessor(options.concurrency, DEFAULT_LIMITS);
  const limit = pLimit(Math.max(2, options.concurrency * 2));
  try {
    await Promise.all([...attachments.values()].sort((a, b) => (a.url.href < b.url.href ? -1 : 1)).map(({ url, kind, foundOn, fetched }) => limit(async () => {
      if (deadline.aborted) return notChecked(url);
      if (kind !== 'page') summary.sources++;
      const checkedAt = new Date().toISOString();
      const base = { url: url.href, foundOn, checkedAt };
      if (kind === 'unsupported') {
        await store.writeSource({ ...base, kind: 'unsupported', changed: false, status: 'unsupported', error: unsupportedReason(url) });
        summary.unsupported++;
        log({ event: 'unsupported', url: url.href });
        return;
      }
      const fileKind = kind;
      if (kind !== 'page' && !(await robotsFor(url)).allows(url.pathname + url.search)) {
        await store.writeSource({ ...base, kind: fileKind, changed: false, status: 'disallowed', error: 'disallowed by robots.txt' });
        summary.disallowed++;
        log({ event: 'disallowed', url: url.href, reason: 'robots.txt' });
        return;
      }
      const stored = await store.source(url.href);
      const haveFile = stored?.sha256 != null && stored.documentId !== null;
      const conditional: Record<string, string> = {};
      if (haveFile && stored?.etag) conditional['if-none-match'] = stored.etag;
      if (haveFile && stored?.lastModified) conditional['if-modified-since'] = stored.lastModified;
      try {
        const res = fetched ?? await fetchWithRetry(url, policy, gate, conditional, onRetry(url));
        const meta = {
          etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified'), httpStatus: res.status,
          contentType: res.headers.get('content-type'),
        };
        const hash = res.body === null ? null : sha256(res.body);
        if (res.body === null || (stored?.sha256 === hash && stored.documentId !== null)) {
          // Same bytes as before: nothing to extract. A file that could not be extracted stays failed
          // (a fetch that failed last time and serves the known bytes again is simply unchanged).
          if (stored?.status === 'failed' && stored.error?.startsWith(EXTRACT_FAILURE)) {
            await store.writeSource({ ...base, ...meta, kind: fileKind, changed: false, status: 'failed', error: stored.error });
            summary.failed++;
            summary.stillFailing++;
            log({ event: 'failed', url: url.href, reason: stored.error, unchanged: true, still: true });
          } else {
            if (kind === 'page') summary.sources++;
            await store.writeSource({ ...base, ...meta, kind: fileKind, changed: false, status: 'unchanged' });
            summary.unchanged++;
            log({ event: 'unchanged', url: url.href, status: res.status });
          }
          return;
        }
        const path = join(options.filesDir, storedName(hash!, res.body, kind));
        writeAtomically(path, res.body);
        // The file's documents (an archive: each member, named `<url>!/<member>`), kept under the URL.
        const results: DocumentResult[] = (await processor.process(path)).map((r) => ({
          ...r, document: { ...r.document, source: url.href + r.document.source.slice(path.length), url: url.href },
        }));
        // A page without a form in it is just a page: no document, nothing recorded.
        if (kind === 'page' && !results.some((r) => r.document.status === 'ok')) return;
        if (kind === 'page') summary.sources++;
        const status = stored?.sha256 ? 'changed' : 'new';
        const failure = results.every((r) => r.document.status === 'failed') ? results[0]!.document.error : null;
        const blocks = results.reduce((n, r) => n + r.evaluations.length, 0);
        await store.writeCrawled({
          ...base, ...meta, kind: fileKind, changed: true, sha256: hash!, bytes: res.body.length,
          status: failure !== null ? 'failed' : status, error: failure !== null ? `${EXTRACT_FAILURE}${failure}` : null,
        }, results, summary.runId);
        summary.evaluations += blocks;
        if (failure !== null) {
          summary.failed++;
          log({ event: 'failed', url: url.href, reason: `${EXTRACT_FAILURE}${failure}` });
        } else {
          summary[status]++;
          log({ event: status, url: url.href, bytes: res.body.length, blocks, ...(results.length > 1 ? { documents: results.length } : {}) });
        }
      } catch (error) {
        const e = error instanceof FetchError ? error : new FetchError((error as Error).message, null, false);
        if (e.message === DEADLINE_REASON) {
          summary.sources--;
          return notChecked(url);
        }
        await store.writeSource({ ...base, kind: fileKind, changed: false, status: 'failed', error: e.message, httpStatus: e.status });
        summary.failed++;
        const still = stored?.status === 'failed' && stored.error === e.message;
        if (still) summary.stillFailing++;
        log({ event: 'failed', url: url.href, reason: e.message, status: e.status, ...(still ? { still: true } : {}) });
      }
    })));
  } finally {
    await processor.close();
    await gate.close();
    await store.finishRun(summary.runId, {
      documentsSeen: summary.new + summary.changed + summary.failed, documentsOk: summary.new + summary.changed,
      documentsFailed: summary.failed, evaluationsWritten: summary.evaluations, sourcesSeen: summary.sources,
      sourcesNew: summary.new, sourcesChanged: summary.changed, sourcesFailed: summary.failed + summary.pagesFailed,
    });
  }
  return summary;
}
