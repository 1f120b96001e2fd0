import { decodeHtml } from '../extract/web/html.js';
import type { Attachment } from './attachment.js';
import type { CrawlOptions } from './config.js';
import { downloadOf } from './download.js';
import type { Fetcher } from './fetcher.js';
import { DEADLINE_REASON, type Fetched } from './http.js';
import { linkKind, readPage, type LinkKind } from './links.js';
import { canonical, findInAnswer, findOnPage, type PageRequest, type Pager } from './sites/index.js';

/** What earlier runs left in the dataset that this walk needs (see Dataset.crawlMemory). */
export interface CrawlMemory {
  /** Every page and source URL an earlier run saw. */
  known: ReadonlySet<string>;
  /** Pages whose last fetch failed, with the reason. */
  failedPages: ReadonlyMap<string, string>;
  /** Sources by what they turned out to be: a download whose link did not say is fetched as one from then on. */
  sourceKinds: ReadonlyMap<string, LinkKind>;
  /** When each listing was last walked to its end (ISO time). */
  fullWalks: ReadonlyMap<string, string>;
}

export const NO_MEMORY: CrawlMemory = { known: new Set(), failedPages: new Map(), sourceKinds: new Map(), fullWalks: new Map() };

/** A page fetched in this walk (a listing, an article, a family's data call), for the `pages` table. */
export interface PageVisit {
  url: string;
  foundOn: string | null;
  status: 'ok' | 'failed';
  error: string | null;
  httpStatus: number | null;
  /** A listing walked to its end this run. */
  fullWalk: boolean;
}

/** What walking the listings found beside the attachments. */
export interface Walked {
  attachments: Attachment[];
  pages: number;
  pagesFailed: number;
  /** Of the failed pages, those that failed the same way last run: known, not news. */
  pagesStillFailing: number;
  /** Attachment links left alone because a cap (per page, per run) was reached. */
  capped: number;
  /** Further listing pages a pager claimed that --max-pages left unwalked. */
  pagesCapped: number;
  /** Listings whose paging stopped at a page that brought nothing an earlier run had not seen. */
  stopped: number;
  /** Pages not fetched because the deadline came first. */
  notChecked: number;
  visits: PageVisit[];
}

/** A page that may hold a form itself (an article page with the table pasted in), not only links to one. */
const mayHoldForm = (html: string) => /<table/i.test(html) && html.includes('自评');

function decoded(page: Fetched): string {
  const charset = /charset=([A-Za-z0-9_-]+)/i.exec(page.headers.get('content-type') ?? '')?.[1] ?? null;
  try {
    return page.body === null ? '' : decodeHtml(page.body, charset).text;
  } catch {
    return '';
  }
}

/** A listing, article or data call to fetch, with where it was found and the listing it belongs to. */
interface Visit {
  request: PageRequest;
  depth: number;
  foundOn: string | null;
  seed: string;
}

/** What one fetched page gave: its links and frames, its pagers, and (a data call's answer) where paging ends. */
interface Read {
  links: URL[];
  frames: URL[];
  pagers: Pager[];
  last?: boolean;
  claimed?: number;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The listing pages, breadth first within the allowed hosts, to the attachments they link to
 * (sorted by URL, so that a run checks them in the same order every time). Each page is read by
 * every finder (anchors, script-written links, the CMS families that recognise it); a listing's
 * further pages are walked in order, and — unless this is a full walk — stop at the first that
 * brings no link an earlier run had not seen (listings are newest first).
 */
export async function walkListings(fetcher: Fetcher, options: CrawlOptions, memory: CrawlMemory = NO_MEMORY): Promise<Walked> {
  const { log, policy } = fetcher;
  const walked: Walked = { attachments: [], pages: 0, pagesFailed: 0, pagesStillFailing: 0, capped: 0, pagesCapped: 0, stopped: 0, notChecked: 0, visits: [] };
  const inScope = (url: URL) => (!options.include || options.include.test(url.href)) && !(options.exclude?.test(url.href));
  const attachments = new Map<string, Attachment>();
  const seen = new Set<string>();
  const keyOf = (r: PageRequest) => (r.form ? `${r.url.href} ${r.form.toString()}` : r.url.href);
  const started = Date.now();
  const full = (seed: string) => options.full || !(Date.parse(memory.fullWalks.get(seed) ?? '') > started - options.fullEveryDays * DAY_MS);
  /** Listings not walked to their end this run (stopped early, capped, cut short, a listing page missed). */
  const incomplete = new Set<string>();

  const failed = (v: Visit, reason: string, status: number | null) => {
    const still = memory.failedPages.get(v.request.url.href) === reason;
    walked.pagesFailed++;
    if (still) walked.pagesStillFailing++;
    walked.visits.push({ url: v.request.url.href, foundOn: v.foundOn, status: 'failed', error: reason, httpStatus: status, fullWalk: false });
    log({ event: 'failed', url: v.request.url.href, reason, page: true, ...(status !== null ? { status } : {}), ...(still ? { still: true } : {}) });
  };

  /** Fetch a page (counted against --max-pages); null when it was not to be had (logged and recorded). */
  const load = async (v: Visit): Promise<Fetched | null> => {
    const { url, form } = v.request;
    walked.pages++;
    if (policy.deadline.aborted) {
      walked.notChecked++;
      incomplete.add(v.seed);
      log({ event: 'skipped', url: url.href, reason: DEADLINE_REASON, page: true });
      return null;
    }
    if (!(await fetcher.allows(url))) {
      log({ event: 'disallowed', url: url.href, reason: 'robots.txt' });
      return null;
    }
    try {
      return await fetcher.fetch(url, {}, policy, form);
    } catch (error) {
      const e = error as Error & { status?: number | null };
      if (e.message === DEADLINE_REASON) {
        walked.notChecked++;
        incomplete.add(v.seed);
        log({ event: 'skipped', url: url.href, reason: DEADLINE_REASON, page: true });
      } else failed(v, e.message, e.status ?? null);
      return null;
    }
  };

  /** A fetched page read by every finder; null when it was a download after all (then an attachment). */
  const read = (v: Visit, page: Fetched): Read | null => {
    const { url, family } = v.request;
    const ok = () => walked.visits.push({ url: url.href, foundOn: v.foundOn, status: 'ok', error: null, httpStatus: page.status, fullWalk: false });
    if (family !== undefined) {
      ok();
      const found = findInAnswer(v.request, decoded(page));
      return { links: found.links, frames: [], pagers: [], last: found.last, claimed: found.claimed };
    }
    const type = page.headers.get('content-type');
    const attachment = /^\s*attachment/i.test(page.headers.get('content-disposition') ?? '');
    if (attachment || (type !== null && !/html|xml/i.test(type))) {
      const download = page.body === null ? null : downloadOf(page.headers, page.body);
      if (download !== null && download.kind !== 'page') {
        attachments.set(url.href, { url, kind: download.kind, foundOn: v.foundOn ?? url.href, fetched: page });
        log({ event: 'download', url: url.href, kind: download.kind, ...(download.fileName ? { fileName: download.fileName } : {}) });
        return null;
      }
    }
    ok();
    const html = decoded(page);
    // An article page holding a form is a document too (only if a form is really found in it).
    if (mayHoldForm(html)) attachments.set(url.href, { url, kind: 'page', foundOn: v.foundOn ?? url.href, fetched: page });
    const found = findOnPage(readPage(html, url));
    log({ event: 'page', url: url.href, depth: v.depth, links: found.links.length });
    return found;
  };

  /** A page's links sorted into pages to visit and attachments to check; how many an earlier run had not seen. */
  const follow = (links: URL[], frames: URL[], from: Visit, next: Visit[]): number => {
    let fresh = 0;
    let fromPage = 0;
    let capped = 0;
    const at = from.request.url.href;
    for (const frame of frames.map(canonical)) {
      if (seen.has(frame.href) || !inScope(frame) || !options.allowedHosts.has(frame.host)) continue;
      seen.add(frame.href);
      next.push({ request: { url: frame }, depth: from.depth, foundOn: at, seed: from.seed });
    }
    for (const link of links.map(canonical)) {
      if (!inScope(link)) continue;
      const kind = memory.sourceKinds.get(link.href) ?? linkKind(link);
      const page = kind === 'page';
      if (page ? !options.allowedHosts.has(link.host) || from.depth + 1 > options.maxDepth : options.sameSite && !options.allowedHosts.has(link.host)) continue;
      if (!memory.known.has(link.href)) fresh++;
      if (seen.has(link.href)) continue;
      if (page) {
        seen.add(link.href);
        next.push({ request: { url: link }, depth: from.depth + 1, foundOn: at, seed: from.seed });
      } else if (fromPage >= options.maxPageAttachments || attachments.size >= options.maxAttachments) {
        capped++;
      } else {
        seen.add(link.href);
        fromPage++;
        attachments.set(link.href, { url: link, kind, foundOn: at });
      }
    }
    if (capped > 0) {
      walked.capped += capped;
      const limit = fromPage >= options.maxPageAttachments ? `${options.maxPageAttachments} per page` : `${options.maxAttachments} per run`;
      log({ event: 'capped', url: at, reason: `${capped} attachment link(s) not followed (limit ${limit})` });
    }
    return fresh;
  };

  /** A listing's further pages, in order, until they end, the cap, or (not a full walk) a page with nothing new. */
  const page = async (listing: Visit, pager: Pager, next: Visit[]) => {
    let claimed = pager.claimed;
    let skipped = 0;
    for (let i = 0; i < claimed; i++) {
      if (walked.pages >= options.maxPages) {
        const left = claimed - i;
        walked.pagesCapped += Number.isFinite(left) ? left : 1;
        incomplete.add(listing.seed);
        log({ event: 'capped', url: listing.request.url.href, reason: `${Number.isFinite(left) ? left : 'more'} further listing page(s) not walked (--max-pages ${options.maxPages})` });
        return;
      }
      const request = pager.request(i);
      // A pager leading out of scope ends here; one giving pages already walked (another listing's) is passed
      // over, but not without end: a pager of unknown length would otherwise turn here for ever.
      if (!inScope(request.url)) return;
      if (seen.has(keyOf(request))) {
        if (++skipped > options.maxPages) return;
        continue;
      }
      seen.add(keyOf(request));
      const v: Visit = { request, depth: listing.depth, foundOn: listing.request.url.href, seed: listing.seed };
      const fetched = await load(v);
      if (fetched === null) {
        incomplete.add(listing.seed); // a listing page missed: this was no full walk
        if (policy.deadline.aborted) return;
        continue;
      }
      const found = read(v, fetched);
      if (found === null) continue;
      // A page of the sequence names the same pager again: the sequence already walks it.
      const fresh = follow(found.links, found.frames, v, next);
      if (found.claimed !== undefined) claimed = found.claimed;
      if (found.last) return;
      if (fresh === 0 && !full(listing.seed)) {
        walked.stopped++;
        incomplete.add(listing.seed);
        log({ event: 'stopped', url: listing.request.url.href, reason: `page ${i + 2} brought nothing new`, page: true });
        return;
      }
    }
  };

  const visit = async (v: Visit, next: Visit[]) => {
    if (walked.pages >= options.maxPages) return; // a pager walked alongside took the rest
    const fetched = await load(v);
    if (fetched === null) return;
    const found = read(v, fetched);
    if (found === null) return;
    const fresh = follow(found.links, found.frames, v, next);
    if (found.pagers.length === 0) return;
    if (fresh === 0 && !full(v.seed)) {
      walked.stopped++;
      incomplete.add(v.seed);
      log({ event: 'stopped', url: v.request.url.href, reason: 'its first page brought nothing new', page: true });
      return;
    }
    for (const pager of found.pagers) await page(v, pager, next);
  };

  let level: Visit[] = [];
  for (const seed of options.seeds.map(canonical)) {
    if (seen.has(seed.href)) continue;
    seen.add(seed.href);
    level.push({ request: { url: seed }, depth: 0, foundOn: null, seed: seed.href });
  }
  while (level.length > 0 && walked.pages < options.maxPages) {
    const batch = level.slice(0, options.maxPages - walked.pages);
    const next: Visit[] = [];
    await Promise.all(batch.map((v) => visit(v, next)));
    level = next;
  }
  // A listing walked to its end in a full walk: the next full walk is due `fullEveryDays` from now.
  for (const visit of walked.visits) {
    if (visit.foundOn === null && visit.status === 'ok' && full(visit.url) && !incomplete.has(visit.url)) visit.fullWalk = true;
  }
  walked.attachments = [...attachments.values()].sort((a, b) => (a.url.href < b.url.href ? -1 : 1));
  return walked;
}
