import { decodeHtml } from '../extract/html.js';
import type { Attachment } from './attachment.js';
import type { CrawlOptions } from './config.js';
import type { Fetcher } from './fetcher.js';
import { DEADLINE_REASON } from './http.js';
import { extractLinks, linkKind } from './links.js';

/** What walking the listings found beside the attachments. */
export interface Walked {
  attachments: Attachment[];
  pages: number;
  pagesFailed: number;
  /** Attachment links left alone because a cap (per page, per run) was reached. */
  capped: number;
  /** Pages not fetched because the deadline came first. */
  notChecked: number;
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

/**
 * The listing pages, breadth first within the allowed hosts, to the attachments they link to
 * (sorted by URL, so that a run checks them in the same order every time).
 */
export async function walkListings(fetcher: Fetcher, options: CrawlOptions): Promise<Walked> {
  const { log, policy } = fetcher;
  const walked: Walked = { attachments: [], pages: 0, pagesFailed: 0, capped: 0, notChecked: 0 };
  const inScope = (url: URL) => (!options.include || options.include.test(url.href)) && !(options.exclude?.test(url.href));
  const attachments = new Map<string, Attachment>();
  const seen = new Set<string>(options.seeds.map((s) => s.href));
  let level = options.seeds.map((url) => ({ url, depth: 0 }));
  while (level.length > 0 && walked.pages < options.maxPages) {
    const batch = level.slice(0, options.maxPages - walked.pages);
    walked.pages += batch.length;
    const next: typeof level = [];
    await Promise.all(batch.map(async ({ url, depth }) => {
      if (policy.deadline.aborted) {
        walked.notChecked++;
        log({ event: 'skipped', url: url.href, reason: DEADLINE_REASON, page: true });
        return;
      }
      if (!(await fetcher.allows(url))) {
        log({ event: 'disallowed', url: url.href, reason: 'robots.txt' });
        return;
      }
      let html: string;
      try {
        const page = await fetcher.fetch(url);
        if (!/html|xml/i.test(page.headers.get('content-type') ?? 'text/html')) {
          log({ event: 'skipped', url: url.href, reason: `not an HTML page (${page.headers.get('content-type')})` });
          return;
        }
        html = page.body?.toString('utf8') ?? '';
        // An article page holding a form is a document too (only if a form is really found in it).
        if (page.body && mayHoldForm(page.body, page.headers.get('content-type'))) attachments.set(url.href, { url, kind: 'page', foundOn: url.href, fetched: page });
      } catch (error) {
        if ((error as Error).message === DEADLINE_REASON) {
          walked.notChecked++;
          log({ event: 'skipped', url: url.href, reason: DEADLINE_REASON, page: true });
          return;
        }
        walked.pagesFailed++;
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
        walked.capped += capped;
        const limit = fromPage >= options.maxPageAttachments ? `${options.maxPageAttachments} per page` : `${options.maxAttachments} per run`;
        log({ event: 'capped', url: url.href, reason: `${capped} attachment link(s) not followed (limit ${limit})` });
      }
    }));
    level = next;
  }
  walked.attachments = [...attachments.values()].sort((a, b) => (a.url.href < b.url.href ? -1 : 1));
  return walked;
}
