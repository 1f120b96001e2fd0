import { resolveLink, type HtmlPage } from '../links.js';
import type { Found, PageRequest, SiteFamily } from './family.js';

/**
 * Guangdong's open-government platform (`gkmlpt`): the listing is a single-page app at
 * `/gkmlpt/index#<category>` whose HTML holds `SID: '…'`; its records come from
 * `GET /gkmlpt/api/all/<category>?page=N&sid=<sid>` → `{"total": …, "articles": [{"url", …}]}`.
 * The fragment names the category, so it is part of the listing's address.
 */

const NAME = 'gkmlpt';
const isPlatform = (url: URL) => /\/gkmlpt\//.test(url.pathname);

function read(page: HtmlPage): Found {
  const sid = /\bSID\s*[:=]\s*["']([^"']+)["']/.exec(page.html)?.[1];
  const category = /^#\/?(\d+)/.exec(page.url.hash)?.[1];
  if (sid === undefined || category === undefined) return { links: [] };
  const api = resolveLink(`/gkmlpt/api/all/${category}`, page.url)!;
  const request = (i: number): PageRequest => {
    const url = new URL(api);
    url.searchParams.set('page', String(i + 1));
    url.searchParams.set('sid', sid);
    return { url, family: NAME };
  };
  // How many pages there are is known from the first answer.
  return { links: [], pager: { claimed: Number.POSITIVE_INFINITY, request } };
}

function articleList(body: string): { total: number | null; urls: string[] } {
  const data = JSON.parse(body) as { total?: unknown; articles?: Array<{ url?: unknown }> };
  const articles = Array.isArray(data.articles) ? data.articles : [];
  return { total: typeof data.total === 'number' ? data.total : null, urls: articles.map((a) => a?.url).filter((u): u is string => typeof u === 'string') };
}

function answer(body: string, request: PageRequest): Found {
  let list: ReturnType<typeof articleList>;
  try {
    list = articleList(body);
  } catch {
    return { links: [], last: true }; // not the API's JSON: nothing more to page through
  }
  const links = list.urls.map((u) => resolveLink(u, request.url)).filter((u): u is URL => u !== null);
  const page = Number(request.url.searchParams.get('page'));
  const claimed = list.total !== null && page === 1 && links.length > 0 ? Math.ceil(list.total / links.length) : undefined;
  return { links, last: links.length === 0, ...(claimed !== undefined ? { claimed } : {}) };
}

export const gkmlpt: SiteFamily = {
  name: NAME,
  recognises: (page) => isPlatform(page.url) && /\bSID\s*[:=]/.test(page.html),
  read,
  answer,
  keepsFragment: isPlatform,
  examples: [{
    name: 'a category of the single-page listing, through its JSON API',
    url: 'http://gd.test/gkmlpt/index#2911',
    html: "<html><head><script>window._CONFIG = { SID: 'gd0001', SITE_NAME: '某区' };</script></head><body><div id='app'></div></body></html>",
    links: [],
    pages: [{ url: 'http://gd.test/gkmlpt/api/all/2911?page=1&sid=gd0001' }, { url: 'http://gd.test/gkmlpt/api/all/2911?page=2&sid=gd0001' }],
    answer: {
      body: JSON.stringify({ total: 250, articles: [{ id: 1, title: '绩效自评', url: 'http://gd.test/gkmlpt/content/1/1001/post_1001.html', display_publish_time: 1694745600 }, { id: 2, url: '/gkmlpt/content/1/1002/post_1002.html' }] }),
      links: ['http://gd.test/gkmlpt/content/1/1001/post_1001.html', 'http://gd.test/gkmlpt/content/1/1002/post_1002.html'],
      claimed: 125,
      last: false,
    },
  }],
};
