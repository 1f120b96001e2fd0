import { resolveLink, type HtmlPage } from '../links.js';
import { withoutComments, type Found, type SiteFamily } from './family.js';

/**
 * TRS WCM (拓尔思), the most common: static listings whose pager a script writes.
 *   createPageHTML(12, 0, "index", "html")              pages, current from 0, base, extension:
 *                                                        page i+1 is index_i.html (index.html is page 1)
 *   createPageHTML('page_div', 10, 1, 'list', 'shtml', 189)   div, pages, current from 1, base,
 *                                                        extension, records: page k ≥ 2 is list_k.shtml
 *   var countPage = 17; (or "17") and a document.write loop, the call perhaps commented out.
 * A listing that is a folder (`…/czyjs/`) is its index.html.
 */

const CALL = /createPageHTML\s*\(([^)]*)\)/g;
const COUNT = /\bcountPage\s*=\s*["']?(\d+)/;

const unquote = (arg: string) => arg.trim().replace(/^(["'])(.*)\1$/, '$2');

/** The pager's base name and extension where only `countPage` is set: from the loop's string, else the page's own name. */
function namesOf(code: string, url: URL): { base: string; ext: string } {
  const loop = /["']([A-Za-z][\w-]*)_["']\s*\+[^;]*?\+\s*["']\.(s?html?)["']/.exec(code);
  if (loop) return { base: loop[1]!, ext: loop[2]! };
  const own = /\/([A-Za-z][\w-]*?)(?:_\d+)?\.(s?html?)$/.exec(url.pathname);
  return own ? { base: own[1]!, ext: own[2]! } : { base: 'index', ext: 'html' };
}

function read(page: HtmlPage): Found {
  const code = withoutComments(page.scripts.map((s) => s.text).join('\n'));
  let pages: number;
  let name: (i: number) => string;
  // The first call with a page count (a page may define the function too: its parameters are names).
  const calls = [...code.matchAll(CALL)].map((m) => m[1]!.split(',').map(unquote));
  const args = calls.find((a) => /^\d+$/.test(a[0] ?? '') || /^\d+$/.test(a[1] ?? '')) ?? [];
  if (args.length >= 4 && /^\d+$/.test(args[0]!)) {
    const [count, , base, ext] = args;
    pages = Number(count);
    name = (i) => `${base}_${i + 1}.${ext}`; // the i-th further page: index_1 is page 2
  } else if (args.length >= 5 && /^\d+$/.test(args[1]!)) {
    const [, count, , base, ext] = args;
    pages = Number(count);
    name = (i) => `${base}_${i + 2}.${ext}`; // list_2 is page 2
  } else {
    const count = COUNT.exec(code) ?? COUNT.exec(page.scripts.map((s) => s.text).join('\n'));
    if (!count) return { links: [] };
    const { base, ext } = namesOf(code, page.url);
    pages = Number(count[1]);
    name = (i) => `${base}_${i + 1}.${ext}`;
  }
  if (!(pages > 1)) return { links: [] };
  return {
    links: [],
    pager: { claimed: pages - 1, request: (i) => ({ url: resolveLink(name(i), page.base) ?? page.base }) },
  };
}

export const trsWcm: SiteFamily = {
  name: 'trs-wcm',
  recognises: (page) => page.scripts.some((s) => /createPageHTML|\bcountPage\b/.test(s.text)),
  read,
  examples: [
    {
      name: '4-argument pager, counted from 0, on a folder listing',
      url: 'http://gov.test/zwgk/czyjs/',
      html: '<html><body><ul><li><a href="./202309/t20230915_1.html">2022年度绩效自评</a></li></ul><script>createPageHTML(12, 0, "index", "html");</script></body></html>',
      links: [],
      pages: [{ url: 'http://gov.test/zwgk/czyjs/index_1.html' }, { url: 'http://gov.test/zwgk/czyjs/index_2.html' }],
      claimed: 11,
    },
    {
      name: '6-argument pager, counted from 1',
      url: 'http://gov.test/col/list.shtml',
      html: "<html><body><div id='page_div'></div><script language='javascript'>createPageHTML('page_div', 10, 1, 'list', 'shtml', 189);</script></body></html>",
      links: [],
      pages: [{ url: 'http://gov.test/col/list_2.shtml' }, { url: 'http://gov.test/col/list_3.shtml' }],
      claimed: 9,
    },
    {
      name: 'countPage as a string, the call commented out, a document.write loop',
      url: 'http://gov.test/zwgk/jxpj/index.shtml',
      html: `<html><body><script>
        var countPage = "17"; var currentPage = 0;
        // createPageHTML(3, 0, "index", "shtml");
        for (var i = 1; i < countPage; i++) { document.write('<a href="' + "index_" + i + ".shtml" + '">' + (i + 1) + '</a>'); }
      </script></body></html>`,
      links: [],
      pages: [{ url: 'http://gov.test/zwgk/jxpj/index_1.shtml' }],
      claimed: 16,
    },
  ],
};
