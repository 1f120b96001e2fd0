import { DOCUMENT_PATH, resolveLink, type HtmlPage } from '../links.js';
import type { Example } from './family.js';

/**
 * Links a person clicks that `<a href>` parsing does not see, on any site: hrefs inside script
 * strings (`var file_appendix='<a href="./P0….docx">…'; document.write(…)`), `window.open('…')`
 * and `location.href='…'` in scripts and click handlers, and quoted paths that name a document.
 * Values that a script builds (`'…' + name + '…'`, `{{url}}`, `${…}`) are no links.
 */

/** A value that is a whole path, not a piece of one a script puts together. */
const VALUE = String.raw`[^"'\\\s<>{}+$]+`;
const HREF_IN_STRING = new RegExp(String.raw`(?<![\w-])href\s*=\s*(\\?["'])(${VALUE})\1`, 'gi');
const NAVIGATION = new RegExp(String.raw`(?:window\.open|location\.(?:assign|replace)|location(?:\.href)?\s*=)\s*\(?\s*(["'])(${VALUE})\1`, 'g');
const QUOTED = new RegExp(String.raw`(["'])([^"'\\\s<>{}+$.]${VALUE})\1`, 'g');

/** Script types browsers run; data blocks (`text/xml`, `text/html` templates) are some family's to read. */
const RUNS = /^(|text\/javascript|application\/javascript|module|text\/ecmascript|application\/ecmascript)$/;

function valuesIn(code: string, into: Set<string>): void {
  for (const m of code.matchAll(HREF_IN_STRING)) into.add(m[2]!);
  for (const m of code.matchAll(NAVIGATION)) into.add(m[2]!);
  for (const m of code.matchAll(QUOTED)) if (DOCUMENT_PATH.test(m[2]!)) into.add(m[2]!);
}

/** The links a page's scripts and click handlers write, resolved against the page. */
export function scriptedLinks(page: HtmlPage): URL[] {
  const values = new Set<string>();
  for (const s of page.scripts) if (RUNS.test(s.type)) valuesIn(s.text, values);
  for (const h of page.handlers) valuesIn(h, values);
  const links: URL[] = [];
  for (const v of values) {
    const url = resolveLink(v.replace(/\\\//g, '/'), page.base);
    if (url) links.push(url);
  }
  return links;
}

/**
 * A pdf.js viewer link (`…/viewer.html?file=%2Fuploadfiles%2Fx.pdf`) stands for its file, resolved
 * as pdf.js resolves it (against the viewer's own address); any other URL stands for itself.
 */
export function viewerTarget(url: URL): URL {
  if (!/\/viewer\.html?$/i.test(url.pathname)) return url;
  const file = url.searchParams.get('file');
  return (file && resolveLink(file, url)) || url;
}

export const GENERIC_EXAMPLES: Example[] = [
  {
    name: 'TRS article: the attachment only in a script string, written by document.write',
    url: 'http://gov.test/zwgk/czyjs/202309/t20230915_123456.html',
    html: `<html><body><div class="article">正文</div><script>
      var file_appendix='<a href="./P020230915595406680195.docx">2022年项目支出绩效自评表.docx</a>';
      if (file_appendix != "") { document.write('<div class="fj">附件：' + file_appendix + '</div>'); }
      var url = '/zwgk/' + name + '.pdf'; // built, not a link
    </script></body></html>`,
    links: ['http://gov.test/zwgk/czyjs/202309/P020230915595406680195.docx'],
  },
  {
    name: 'click handlers, location.href and a quoted document path',
    url: 'http://gov.test/art/a.html',
    html: `<html><body>
      <a href="javascript:void(0)" onclick="window.open('/uploadfiles/2023/09/x.pdf')">下载</a>
      <span onclick="location.href='/uploadfiles/2023/09/y.xls'">表</span>
      <a href="javascript:location.href=&quot;/f/z.ofd&quot;">OFD</a>
      <script type="text/javascript">var f = "/uploadfiles/2023/09/w.docx"; if (n.endsWith('.pdf')) {}</script>
      <script type="text/html"><a href="{{url}}">{{title}}</a></script></body></html>`,
    links: ['http://gov.test/uploadfiles/2023/09/x.pdf', 'http://gov.test/uploadfiles/2023/09/y.xls', 'http://gov.test/f/z.ofd', 'http://gov.test/uploadfiles/2023/09/w.docx'],
  },
];
