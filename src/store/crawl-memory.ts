import type { CrawlMemory, PageVisit } from '../crawl/listings.js';
import type { LinkKind } from '../crawl/links.js';
import { rows, run, type Steps } from './sql.js';

/** What a crawl needs of earlier runs (see CrawlMemory), read in one go before it walks. */
export function* crawlMemory(): Steps<CrawlMemory> {
  const pages = yield* rows<{ url: string; status: string; error: string | null; full_walk_at: string | null }>('SELECT url, status, error, full_walk_at FROM pages');
  const sources = yield* rows<{ url: string; kind: LinkKind }>('SELECT url, kind FROM sources');
  return {
    known: new Set([...pages.map((p) => p.url), ...sources.map((s) => s.url)]),
    failedPages: new Map(pages.filter((p) => p.status === 'failed').map((p) => [p.url, p.error ?? ''])),
    sourceKinds: new Map(sources.map((s) => [s.url, s.kind])),
    fullWalks: new Map(pages.filter((p) => p.full_walk_at !== null).map((p) => [p.url, p.full_walk_at!])),
  };
}

/** The pages a walk fetched, each row added or brought up to date (a listing's last full walk kept unless this one was one). */
export function* writePages(visits: readonly PageVisit[], checkedAt: string): Steps<void> {
  for (const v of visits) {
    yield* run(`INSERT INTO pages (url, found_on, first_seen, last_checked, http_status, status, error, full_walk_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (url) DO UPDATE SET found_on = coalesce(excluded.found_on, pages.found_on), last_checked = excluded.last_checked,
        http_status = excluded.http_status, status = excluded.status, error = excluded.error,
        full_walk_at = coalesce(excluded.full_walk_at, pages.full_walk_at)`,
    v.url, v.foundOn, checkedAt, checkedAt, v.httpStatus, v.status, v.error, v.fullWalk ? checkedAt : null);
  }
}
