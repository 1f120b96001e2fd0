import { readPage, resolveLink, type HtmlPage } from '../links.js';
import { literalMembers, objectAfter, withoutComments, type Found, type PageRequest, type SiteFamily } from './family.js';

/**
 * Hanweb JCMS (大汉): a listing's first records sit in `<script type="text/xml"><datastore>…
 * <record><![CDATA[<li><a href=…>]]></record>…`, which an HTML parser does not read as markup; the
 * rest come from the `jpage({…})` call's `proxyUrl` (`/module/web/jpage/dataproxy.jsp`), POSTed
 * with `startrecord`, `endrecord` and `perpage` in the query and its `ajaxParam` as the form body,
 * answered by a `<datastore>` with `<totalrecord>`; the older `/module/jslib/jquery/jpage/`
 * proxy answers JavaScript (`totalRecord=714.0; dataStore = ['<table>…</table>', …];`).
 */

const NAME = 'hanweb';
/** Pages a call asks for when neither the page nor its first records say (JCMS's default group). */
const GROUP = 3;

const CDATA = /<record>\s*<!\[CDATA\[([\s\S]*?)\]\]>\s*<\/record>/gi;

/** The links in records' HTML, read as HTML. */
function recordLinks(records: Iterable<string>, base: URL): URL[] {
  const links: URL[] = [];
  for (const html of records) for (const a of readPage(html, base).anchors) links.push(a.url);
  return links;
}

/** `<datastore>` XML's records. */
const xmlRecords = (xml: string) => [...xml.matchAll(CDATA)].map((m) => m[1]!);

/** `dataStore = ['…', "…"]`: the older proxy's records, as the strings of its array. */
function scriptRecords(js: string): string[] {
  const at = /dataStore\s*=\s*\[/.exec(js);
  if (!at) return [];
  const records: string[] = [];
  const literal = /\s*,?\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/y;
  literal.lastIndex = at.index + at[0].length;
  for (let m = literal.exec(js); m; m = literal.exec(js)) records.push((m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1'));
  return records;
}

const number = (v: string | undefined) => (v !== undefined && /^\d+(\.\d*)?$/.test(v) ? Math.floor(Number(v)) : null);

function read(page: HtmlPage): Found {
  const stores = page.scripts.filter((s) => /<datastore/i.test(s.text));
  const records = stores.flatMap((s) => xmlRecords(s.text));
  const links = recordLinks(records, page.base);
  const code = withoutComments(page.scripts.filter((s) => !/<datastore/i.test(s.text)).map((s) => s.text).join('\n'));
  const config = objectAfter(code, /\.jpage\s*\(/);
  if (config === null) return { links };
  const params = objectAfter(config, /ajaxParam\s*:/);
  const members = literalMembers(params === null ? config : config.replace(params, '{}'));
  const proxy = members.get('proxyurl');
  const proxyUrl = proxy ? resolveLink(proxy, page.base) : null;
  if (proxyUrl === null) return { links };
  const total = number(members.get('totalrecord'));
  const perPage = number(members.get('perpage')) ?? 15;
  const group = number(members.get('groupsize'));
  const step = group !== null ? perPage * group : Math.max(records.length, perPage * GROUP);
  const form = new URLSearchParams();
  if (params !== null) for (const [k, v] of literalMembersCased(params)) form.set(k, v);
  const claimed = total === null ? Number.POSITIVE_INFINITY : Math.max(0, Math.ceil((total - records.length) / step));
  const request = (i: number): PageRequest => {
    const url = new URL(proxyUrl);
    const start = records.length + 1 + i * step;
    url.searchParams.set('startrecord', String(start));
    url.searchParams.set('endrecord', String(start + step - 1));
    url.searchParams.set('perpage', String(perPage));
    return { url, form, family: NAME };
  };
  return { links, pager: { claimed, request } };
}

/** Object members with their keys as written (a form's field names are case-sensitive). */
function literalMembersCased(source: string): Array<[string, string]> {
  const lower = literalMembers(source);
  const keys = [...source.matchAll(/["']?([A-Za-z_$][\w$]*)["']?\s*:/g)].map((m) => m[1]!);
  return keys.filter((k) => lower.has(k.toLowerCase())).map((k) => [k, lower.get(k.toLowerCase())!]);
}

function answer(body: string, request: PageRequest): Found {
  const xml = /<datastore/i.test(body);
  const records = xml ? xmlRecords(body) : scriptRecords(body);
  const total = number((xml ? /<totalrecord>\s*([\d.]+)/i : /totalRecord\s*=\s*([\d.]+)/i).exec(body)?.[1]);
  const end = Number(request.url.searchParams.get('endrecord'));
  return { links: recordLinks(records, request.url), last: records.length === 0 || (total !== null && end >= total) };
}

const LISTING = `<html><body><div id="297589"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=76841"></a>]]></nextgroup>
<recordset><record><![CDATA[<li><a href="/art/2023/9/15/art_76841_567890.html" title="2022年度项目支出绩效自评表">2022年度项目支出绩效自评表</a><b>2023-09-15</b></li>]]></record>
<record><![CDATA[<li><a href="/art/2023/9/1/art_76841_567001.html">部门决算</a></li>]]></record></recordset></datastore></script></div>
<script>$('#297589').jpage({ dataStore: dataStore, totalRecord: 32, perPage: 15, proxyUrl: '/module/web/jpage/dataproxy.jsp',
  ajaxParam: { col: 1, appid: 1, webid: 18, path: '/', columnid: 76841, sourceContentType: 1, unitid: 297589, webname: '某县人民政府', permissiontype: 0 } });</script></body></html>`;

export const hanweb: SiteFamily = {
  name: NAME,
  recognises: (page) => page.scripts.some((s) => /<datastore|\.jpage\s*\(/i.test(s.text)),
  read,
  answer,
  examples: [
    {
      name: 'records in a text/xml script, the rest through the jpage proxy (POST)',
      url: 'http://gov.test/col/col76841/index.html',
      html: LISTING,
      links: ['http://gov.test/art/2023/9/15/art_76841_567890.html', 'http://gov.test/art/2023/9/1/art_76841_567001.html'],
      pages: [{
        url: 'http://gov.test/module/web/jpage/dataproxy.jsp?startrecord=3&endrecord=47&perpage=15',
        form: { col: '1', appid: '1', webid: '18', path: '/', columnid: '76841', sourceContentType: '1', unitid: '297589', webname: '某县人民政府', permissiontype: '0' },
      }],
      claimed: 1,
      answer: {
        body: '<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>32</totalrecord><totalpage>3</totalpage><recordset><record><![CDATA[<li><a href="/art/2022/9/1/art_76841_1.html">旧</a></li>]]></record></recordset></datastore>',
        links: ['http://gov.test/art/2022/9/1/art_76841_1.html'],
        last: true,
      },
    },
    {
      name: 'the older proxy, whose answer is JavaScript',
      url: 'http://gov.test/col/col100/index.html',
      html: `<html><body><script type="text/xml"><datastore><recordset></recordset></datastore></script><script>
        $("#div100").jpage({totalRecord:714, perPage:25, groupSize:2, proxyUrl:"/module/jslib/jquery/jpage/dataproxy.jsp", ajaxParam:{col:1,webid:3,columnid:100}});</script></body></html>`,
      links: [],
      pages: [{ url: 'http://gov.test/module/jslib/jquery/jpage/dataproxy.jsp?startrecord=1&endrecord=50&perpage=25', form: { col: '1', webid: '3', columnid: '100' } }],
      claimed: 15,
      answer: {
        body: "totalRecord=714.0; totalPage = 27; dataStore = ['<table><tr><td><a href=\"/art/2023/1/1/art_100_9.html\">绩效</a></td></tr></table>', '<table><tr><td><a href=\\'/art/2023/1/2/art_100_10.html\\'>自评</a></td></tr></table>'];",
        links: ['http://gov.test/art/2023/1/1/art_100_9.html', 'http://gov.test/art/2023/1/2/art_100_10.html'],
        last: false,
      },
    },
  ],
};
