import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentResult } from '../model/document.js';
import type { Processor } from '../pipeline/pool.js';
import { sha256 } from '../pipeline/process.js';
import type { Dataset } from '../store/dataset.js';
import { imageKind, sniff, type FileKind } from '../extract/sniff.js';
import { dispositionName } from './download.js';
import type { Fetcher } from './fetcher.js';
import { DEADLINE_REASON, FetchError, type Fetched, type HttpPolicy } from './http.js';
import type { LinkKind } from './links.js';
import { recordsFingerprint } from './records.js';

/** An attachment link found on a listing page (a page holding a form itself comes with its body). */
export interface Attachment {
  url: URL;
  kind: LinkKind;
  foundOn: string;
  fetched?: Fetched;
}

/** What checking one attachment came to, for the run's summary. */
export interface Checked {
  outcome: 'new' | 'changed' | 'unchanged' | 'unsupported' | 'disallowed' | 'failed' | 'not checked' | 'no form';
  /** Whether it counts among the run's sources (a page counts only when it holds a form). */
  source: boolean;
  evaluations: number;
  /** A failure that is the same as last time, on the same bytes or the same error. */
  still: boolean;
  /** A failure that may pass (a 5xx, 429 or network error after the request's own retries): worth a later try. */
  passing: boolean;
}

/** Where one check runs: the dataset, the fetcher, the documents' processor, where downloads are kept, the run. */
export interface CheckContext {
  store: Dataset;
  fetcher: Fetcher;
  processor: Processor;
  filesDir: string;
  runId: number;
  /** The time this check may take (a crawl's deadline, a job's); the fetcher's own when absent. */
  deadline?: AbortSignal;
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
  if (kind === 'archive') return `${hash}.${is === '7z' || is === 'rar' ? is : 'zip'}`;
  const ext: Record<typeof kind, string> = { pdf: 'pdf', page: 'html', ofd: 'ofd', text: 'txt' };
  return `${hash}.${ext[kind]}`;
}

/** How a source's error starts when its bytes came but could not be read. */
const EXTRACT_FAILURE = 'cannot extract: ';

/** Why a file's type is not read (`name`: the link's path, or the server's name for a download). */
function unsupportedReason(name: string): string {
  const ext = /\.[a-z0-9]{1,5}$/i.exec(name)?.[0].toLowerCase() ?? '';
  return `unsupported file type${ext === '' ? '' : ` (${ext})`}: zipin does not read what this download is`;
}

/** Writes `bytes` under `path` unless they are there already; whether this call wrote them. */
function writeAtomically(path: string, bytes: Buffer): boolean {
  if (existsSync(path)) return false; // content-addressed: same name, same bytes
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, bytes);
  renameSync(temp, path);
  return true;
}

const checked = (outcome: Checked['outcome'], source: boolean, more: Partial<Checked> = {}): Checked => ({
  outcome, source, evaluations: 0, still: false, passing: false, ...more,
});

/**
 * One attachment: fetch it if it is new or changed (a conditional request with the stored
 * validators), keep the bytes content-addressed, read them through the pipeline, and record the
 * source — also one zipin cannot read, or could not fetch — in one transaction with its documents.
 * The same bytes are read by one check at a time, across every worker on the dataset.
 */
export async function checkAttachment(ctx: CheckContext, { url, kind, foundOn, fetched }: Attachment): Promise<Checked> {
  const { store, fetcher } = ctx;
  const log = fetcher.log;
  const policy: HttpPolicy = ctx.deadline ? { ...fetcher.policy, deadline: ctx.deadline } : fetcher.policy;
  const counted = kind !== 'page';
  if (policy.deadline.aborted) return notChecked(log, url);
  const base = { url: url.href, foundOn, checkedAt: new Date().toISOString() };
  if (kind === 'unsupported') {
    const fileName = fetched ? dispositionName(fetched.headers.get('content-disposition')) : null;
    await store.writeSource({ ...base, kind: 'unsupported', changed: false, status: 'unsupported', error: unsupportedReason(fileName ?? url.pathname), fileName });
    log({ event: 'unsupported', url: url.href });
    return checked('unsupported', true);
  }
  const fileKind = kind;
  if (kind !== 'page' && !(await fetcher.allows(url))) {
    await store.writeSource({ ...base, kind: fileKind, changed: false, status: 'disallowed', error: 'disallowed by robots.txt' });
    log({ event: 'disallowed', url: url.href, reason: 'robots.txt' });
    return checked('disallowed', true);
  }
  const stored = await store.source(url.href);
  const haveFile = stored?.sha256 != null && stored.documentId !== null;
  const conditional: Record<string, string> = {};
  if (haveFile && stored?.etag) conditional['if-none-match'] = stored.etag;
  if (haveFile && stored?.lastModified) conditional['if-modified-since'] = stored.lastModified;
  let res: Fetched;
  try {
    res = fetched ?? await fetcher.fetch(url, conditional, policy);
  } catch (error) {
    const e = error instanceof FetchError ? error : new FetchError((error as Error).message, null, false);
    if (e.message === DEADLINE_REASON) return notChecked(log, url);
    await store.writeSource({ ...base, kind: fileKind, changed: false, status: 'failed', error: e.message, httpStatus: e.status });
    const still = stored?.status === 'failed' && stored.error === e.message;
    log({ event: 'failed', url: url.href, reason: e.message, status: e.status, ...(still ? { still: true } : {}) });
    return checked('failed', counted, { still, passing: e.status === 429 || (e.status ?? 0) >= 500 || e.message.startsWith('network error') });
  }
  const meta = {
    etag: res.headers.get('etag'), lastModified: res.headers.get('last-modified'), httpStatus: res.status, contentType: res.headers.get('content-type'),
    fileName: dispositionName(res.headers.get('content-disposition')),
  };
  const hash = res.body === null ? null : sha256(res.body);
  if (res.body === null || (stored?.sha256 === hash && stored.documentId !== null)) {
    // Same bytes as before: nothing to extract. A file that could not be extracted stays failed
    // (a fetch that failed last time and serves the known bytes again is simply unchanged).
    if (stored?.status === 'failed' && stored.error?.startsWith(EXTRACT_FAILURE)) {
      await store.writeSource({ ...base, ...meta, kind: fileKind, changed: false, status: 'failed', error: stored.error });
      log({ event: 'failed', url: url.href, reason: stored.error, unchanged: true, still: true });
      return checked('failed', counted, { still: true });
    }
    await store.writeSource({ ...base, ...meta, kind: fileKind, changed: false, status: 'unchanged' });
    log({ event: 'unchanged', url: url.href, status: res.status });
    return checked('unchanged', true);
  }
  const body = res.body;
  return store.exclusively(`bytes:${hash}`, async () => {
    const path = join(ctx.filesDir, storedName(hash!, body, kind));
    const wrote = writeAtomically(path, body);
    // The file's documents (an archive: each member, named `<url>!/<member>`), kept under the URL.
    const results: DocumentResult[] = (await ctx.processor.process(path)).map((r) => ({
      ...r, document: { ...r.document, source: url.href + r.document.source.slice(path.length), url: url.href },
    }));
    // A page without a form in it is just a page: no document, nothing recorded.
    if (kind === 'page' && !results.some((r) => r.document.status === 'ok')) return checked('no form', false);
    const failure = results.every((r) => r.document.status === 'failed') ? results[0]!.document.error : null;
    const records = recordsFingerprint(results);
    // New bytes saying what the current version says (a view counter, a date, a token moved): no new
    // version, no rows, and the bytes not kept; the source remembers them, so that they are not read again.
    if (failure === null && stored?.documentId != null && stored.status !== 'failed' && stored.recordsSha256 === records) {
      if (wrote) rmSync(path, { force: true });
      await store.writeSource({ ...base, ...meta, kind: fileKind, changed: false, status: 'unchanged', sha256: hash!, bytes: body.length });
      log({ event: 'unchanged', url: url.href, status: res.status, reason: 'new bytes, the same records' });
      return checked('unchanged', true);
    }
    const status = stored?.sha256 ? 'changed' : 'new';
    const evaluations = results.reduce((n, r) => n + r.evaluations.length, 0);
    await store.writeCrawled({
      ...base, ...meta, kind: fileKind, changed: true, sha256: hash!, bytes: body.length, recordsSha256: records,
      status: failure !== null ? 'failed' : status, error: failure !== null ? `${EXTRACT_FAILURE}${failure}` : null,
    }, results, ctx.runId);
    if (failure !== null) {
      log({ event: 'failed', url: url.href, reason: `${EXTRACT_FAILURE}${failure}` });
      return checked('failed', true, { evaluations });
    }
    log({ event: status, url: url.href, bytes: body.length, blocks: evaluations, ...(results.length > 1 ? { documents: results.length } : {}) });
    return checked(status, true, { evaluations });
  });
}

/** The deadline cut this short: nothing learnt, nothing written. */
function notChecked(log: Fetcher['log'], url: URL): Checked {
  log({ event: 'skipped', url: url.href, reason: DEADLINE_REASON });
  return checked('not checked', false);
}
