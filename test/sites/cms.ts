import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/version.js';
import { extract, type PageTrace } from '../../src/extract/index.js';
import { FORM_SENSE } from '../../src/form/sense.js';
import { writeOfd } from '../ofd-writer.js';
import { sevenZip } from '../seven-zip.js';
import { Site } from '../site.js';

/**
 * A county's disclosure site built the way the CMS families build theirs (see
 * shared/docs/disclosure-sites.md): TRS WCM columns whose pagers scripts write (4- and 6-argument
 * createPageHTML), attachments behind `oldsrc`, UEditor's dead `/protect/` copies, a
 * `file_appendix` script, a pdf.js viewer, a 7z archive and an OFD; Hanweb JCMS columns whose records sit in a
 * `text/xml` script and come through POSTed `dataproxy.jsp` calls (XML, and the older JavaScript
 * answer), with `downfile.jsp` and `/attach/0/<hex>` downloads named only by Content-Disposition
 * (RFC 8187, raw GBK, raw UTF-8); a Guangdong-style `gkmlpt` single-page listing over its JSON
 * API; a listing in an iframe; view counters on every article, today's date on the home page,
 * and a dead navigation link. Used by the crawl and queue tests and by `npm run bench`.
 */

// From the package root, so that the bench (built into dist/) finds them too.
const FIXTURES = join(PACKAGE_ROOT, 'test', 'fixtures');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

/** Every attachment of the site, by path, with the forms it holds (read from the fixtures themselves). */
export const CMS_ATTACHMENTS: Record<string, { file: string; blocks: number; packed?: '7z' | 'ofd' }> = {
  '/zwgk/czyjs/202309/P020230915595406680195.pdf': { file: '003_e7112b8e4e2d84a4.calc.pdf', blocks: 8 },
  '/zwgk/czyjs/202309/P020230915595406680196.7z': { file: 'district.txt', blocks: 1, packed: '7z' },
  '/zwgk/czyjs/202309/P020230916301222548716.docx': { file: '003_e7112b8e4e2d84a4.docx', blocks: 8 },
  '/zwgk/czyjs/202308/P020230820412345678901.doc': { file: 'regions/region-zhejiang.mht.doc', blocks: 1 },
  '/zwgk/czyjs/202308/t20230818_3.html': { file: 'regions/region-guangdong.page.html', blocks: 1 },
  '/zwgk/czyjs/P020220101000000000001.pdf': { file: '004_7f468a29561a31e4.blocks-16-17.writer.pdf', blocks: 2 },
  '/zwgk/jxpj/202307/P020230701000000000002.pdf': { file: '004_7f468a29561a31e4.blocks-18-19.writer-web.pdf', blocks: 2 },
  '/uploadfiles/2023/07/jx-2-3.pdf': { file: '004_7f468a29561a31e4.blocks-2-3.writer-web.pdf', blocks: 2 },
  '/module/download/downfile.jsp?classid=0&showname=%E8%87%AA%E8%AF%84%E8%A1%A8.pdf&filename=3f2a9c0d1e2b4a5f8e7d6c5b4a392817.pdf': { file: '000_53bb5e2acbd336ec.blocks-4-5.writer.pdf', blocks: 2 },
  '/attach/0/9a8b7c6d5e4f30211203f4e5d6c7b8a9': { file: 'regions/region-hubei.mht.doc', blocks: 1 },
  '/uploadfiles/2023/09/sichuan.pdf': { file: 'region-sichuan.writer.pdf', blocks: 1 },
  '/attach/0/0f1e2d3c4b5a69788796a5b4c3d2e1f0.doc': { file: 'regions/region-henan.mht.doc', blocks: 1 },
  '/front/budgetfinal/download.do?iid=12': { file: 'regions/region-hunan.mht.doc', blocks: 1 },
  '/gkmlpt/content/1/1001/att_1001.pdf': { file: '004_7f468a29561a31e4.blocks-8-8.chromium.pdf', blocks: 1 },
  '/front/budgetfinal/download.do?iid=13': { file: '003_e7112b8e4e2d84a4.xlsx', blocks: 8 },
  '/gkmlpt/content/1/1003/P020230301.doc': { file: 'regions/region-jiangsu.mht.doc', blocks: 1 },
  '/gkmlpt/content/1/1003/P020230302.ofd': { file: 'calc-form.pdf', blocks: 1, packed: 'ofd' },
  '/zwgk/tzgg/202306/P020230601000000000003.pdf': { file: 'other-issuer.pdf', blocks: 1 },
};

/** The attachment whose link is dead. */
export const CMS_DEAD = '/files/2023/zp.pdf';

/** Content-Disposition headers as the servers send them: names in RFC 8187, raw GBK bytes, raw UTF-8 bytes. */
const latin1 = (bytes: Buffer) => bytes.toString('latin1');
const DISPOSITIONS: Record<string, string> = {
  '/module/download/downfile.jsp': "attachment; filename*=UTF-8''%E5%A4%A7%E9%B9%8F%E6%96%B0%E5%8C%BA%E8%87%AA%E8%AF%84%E8%A1%A8.pdf",
  // 湖北省项目支出绩效自评表.doc in GBK
  '/attach/0/9a8b7c6d5e4f30211203f4e5d6c7b8a9': `attachment; filename="${latin1(Buffer.from('bafeb1b1caa1cfeec4bfd6a7b3f6bca8d0a7d7d4c6c0b1ed2e646f63', 'hex'))}"`,
  '/front/budgetfinal/download.do?iid=12': `attachment; filename="${latin1(Buffer.from('湖南省项目支出绩效自评表.doc', 'utf8'))}"`,
  // 2022年度自评表.xlsx in GBK
  '/front/budgetfinal/download.do?iid=13': `attachment;filename=${latin1(Buffer.from('32303232c4eab6c8d7d4c6c0b1ed2e786c7378', 'hex'))}`,
};

const HTML = 'text/html; charset=utf-8';

/** An article page: navigation with a dead link, a view counter that moves with every request, its body. */
function article(title: string, body: string, views: () => number): () => string {
  return () => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title><script src="/js/common.js"></script></head><body>
<div class="nav"><a href="/zwgk/index.html">政务公开</a> | <a href="/zwgk/old/">旧版栏目</a></div>
<h1>${title}</h1><div class="info">发布时间：2023-09-15 浏览次数：<span>${views()}</span></div>
<div class="content">${body}</div></body></html>`;
}

const trsListing = (items: string, pager: string) => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>财政预决算</title>
<script src="/js/page.js"></script></head><body><ul class="list">${items}</ul><div class="page">${pager}</div></body></html>`;

const record = (href: string, title: string) => `<record><![CDATA[<li><a href="${href}" title="${title}" target="_blank">${title}</a><b>2023-09-15</b></li>]]></record>`;

/** The site on `host` (loopback), started; `views` counts every article request. */
export async function cmsSite(host = '127.0.0.1'): Promise<Site> {
  const site = new Site(host);
  await site.start();
  let views = 1000;
  const counted = () => ++views;
  const page = (path: string, html: string | (() => string)) => {
    if (typeof html === 'string') site.setFile(path, html, HTML);
    else site.on(path, (_req, res) => { res.writeHead(200, { 'content-type': HTML }).end(html()); });
  };
  site.setFile('/robots.txt', 'User-agent: *\nDisallow: /protect/\n', 'text/plain');
  // The navigation the pasted-in form page links to (its attachment link, /files/2023/zp.pdf, is dead).
  for (const nav of ['/', '/zwgk/', '/hdjl/', '/zwgk/czzj/', '/a/1.html', '/a/2.html']) page(nav, '<html><body>栏目</body></html>');
  site.on('/zwgk/index.html', (_req, res) => {
    res.writeHead(200, { 'content-type': HTML }).end(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>政务公开</title></head><body>
<div class="date">今天是 ${new Date().toISOString().slice(0, 10)}</div>
<ul><li><a href="czyjs/">财政预决算</a></li><li><a href="jxpj/list.shtml">绩效评价</a></li>
<li><a href="/col/col76841/index.html">部门预决算（大汉）</a></li><li><a href="/col/col100/index.html">历年公开</a></li>
<li><a href="/gkmlpt/index#2911">政府信息公开目录</a></li></ul>
<iframe src="/pagemore/iframePagerIndex_1.html" width="100%" height="300"></iframe></body></html>`);
  });

  // TRS WCM, 4-argument pager counted from 0, on a folder listing: three pages.
  page('/zwgk/czyjs/', trsListing(`<li><a href="./202309/t20230915_1.html">2022年度项目支出绩效自评表</a></li>
<li><a href="./202309/t20230916_2.html">2022年度部门整体绩效自评</a></li>`, '<script>createPageHTML(3, 0, "index", "html");</script>'));
  page('/zwgk/czyjs/index_1.html', trsListing(`<li><a href="./202308/t20230820_4.html">专项资金绩效自评</a></li>
<li><a href="./202308/t20230818_3.html">项目支出绩效自评情况公开</a></li>`, '<script>createPageHTML(3, 1, "index", "html");</script>'));
  page('/zwgk/czyjs/index_2.html', trsListing('<li><a href="./P020220101000000000001.pdf">2021年度项目支出绩效自评表（PDF）</a></li>',
    '<script>createPageHTML(3, 2, "index", "html");</script>'));
  page('/zwgk/czyjs/202309/t20230915_1.html', article('2022年度项目支出绩效自评表',
    `<p>附件：<a href="./P020230915595406680195.pdf" oldsrc="P020230915595406680195.pdf">自评表.pdf</a>
<a href="./P020230915595406680196.7z" oldsrc="P020230915595406680196.7z">区级自评表（压缩包）.7z</a></p>`, counted));
  page('/zwgk/czyjs/202309/t20230916_2.html', article('2022年度部门整体绩效自评',
    '<p><a appendix="true" href="./P020230916301222548716.docx" title="自评表.docx" OLDSRC="/protect/P020230916301222548716/P020230916301222548716.docx">自评表.docx</a></p>', counted));
  page('/zwgk/czyjs/202308/t20230820_4.html', article('专项资金绩效自评', `<p>见附件。</p><script>
var file_appendix='<a href="./P020230820412345678901.doc">专项资金自评表.doc</a>';
if (file_appendix != "") { document.write('<div class="fj">附件：' + file_appendix + '</div>'); }</script>`, counted));
  // An article holding the form itself, with a view counter that changes with every request.
  const form = fixture('regions/region-guangdong.page.html').toString('utf8');
  site.on('/zwgk/czyjs/202308/t20230818_3.html', (_req, res) => {
    res.writeHead(200, { 'content-type': HTML }).end(form.replace('</body>', `<div class="views">浏览次数：${counted()}</div></body>`));
  });

  // TRS WCM, 6-argument pager counted from 1.
  page('/zwgk/jxpj/list.shtml', trsListing('<li><a href="./202307/t20230701_5.html">绩效自评（一）</a></li>',
    "<div id='page_div'></div><script language='javascript'>createPageHTML('page_div', 2, 1, 'list', 'shtml', 2);</script>"));
  page('/zwgk/jxpj/list_2.shtml', trsListing('<li><a href="./202307/t20230702_6.html">绩效自评（二）</a></li>',
    "<div id='page_div'></div><script language='javascript'>createPageHTML('page_div', 2, 2, 'list', 'shtml', 2);</script>"));
  page('/zwgk/jxpj/202307/t20230701_5.html', article('绩效自评（一）', '<a href="./P020230701000000000002.pdf">附件</a>', counted));
  page('/zwgk/jxpj/202307/t20230702_6.html', article('绩效自评（二）',
    '<a href="/pdfjs/web/viewer.html?file=%2Fuploadfiles%2F2023%2F07%2Fjx-2-3.pdf" target="_blank">在线阅读</a>', counted));

  // Hanweb JCMS: two records in the page, two more through the POSTed proxy.
  page('/col/col76841/index.html', `<!DOCTYPE html><html><head><meta charset="utf-8"><title>部门预决算</title></head><body>
<div id="297589"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=18&path=/&columnid=76841&unitid=297589"></a>]]></nextgroup>
<recordset>${record('/art/2023/9/15/art_76841_1.html', '大鹏新区绩效自评')}${record('/art/2023/9/14/art_76841_2.html', '湖北省项目自评')}</recordset></datastore></script></div>
<script>$(document).ready(function () { $('#297589').jpage({ dataStore: dataStore, totalRecord: 4, perPage: 2, groupSize: 1,
  proxyUrl: '/module/web/jpage/dataproxy.jsp', ajaxParam: { col: 1, appid: 1, webid: 18, path: '/', columnid: 76841, sourceContentType: 1, unitid: 297589, webname: '某县人民政府', permissiontype: 0 } }); });</script>
</body></html>`);
  site.on('/module/web/jpage/dataproxy.jsp', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      if (req.method !== 'POST' || form.get('columnid') !== '76841' || form.get('webname') !== '某县人民政府' || query.get('startrecord') !== '3') {
        res.writeHead(200, { 'content-type': 'text/xml' }).end('<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>0</totalrecord><recordset></recordset></datastore>');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/xml; charset=UTF-8' }).end(`<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>4</totalrecord><totalpage>2</totalpage>
<recordset>${record('/art/2023/9/13/art_76841_3.html', '四川省自评')}${record('/art/2023/9/12/art_76841_4.html', '河南省自评')}</recordset></datastore>`);
    });
  });
  page('/art/2023/9/15/art_76841_1.html', article('大鹏新区绩效自评',
    '<a href="/module/download/downfile.jsp?classid=0&showname=%E8%87%AA%E8%AF%84%E8%A1%A8.pdf&filename=3f2a9c0d1e2b4a5f8e7d6c5b4a392817.pdf">自评表.pdf</a>', counted));
  page('/art/2023/9/14/art_76841_2.html', article('湖北省项目自评', '<a href="/attach/0/9a8b7c6d5e4f30211203f4e5d6c7b8a9">附件下载</a>', counted));
  page('/art/2023/9/13/art_76841_3.html', article('四川省自评',
    `<a href="javascript:void(0)" onclick="window.open('/uploadfiles/2023/09/sichuan.pdf')">下载附件</a>`, counted));
  page('/art/2023/9/12/art_76841_4.html', article('河南省自评', '<a href="/attach/0/0f1e2d3c4b5a69788796a5b4c3d2e1f0.doc">附件</a>', counted));

  // Hanweb JCMS, the older proxy whose answer is JavaScript.
  page('/col/col100/index.html', `<!DOCTYPE html><html><head><meta charset="utf-8"><title>历年公开</title></head><body><div id="div100"></div>
<script type="text/javascript">$("#div100").jpage({totalRecord:1, perPage:25, proxyUrl:"/module/jslib/jquery/jpage/dataproxy.jsp", ajaxParam:{col:1,webid:3,columnid:100}});</script></body></html>`);
  site.on('/module/jslib/jquery/jpage/dataproxy.jsp', (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(
        "totalRecord=1.0; totalPage = 1; dataStore = ['<table><tr><td><a href=\"/art/2022/9/1/art_100_9.html\" target=\"_blank\">湖南省项目支出绩效自评</a></td></tr></table>'];");
    });
  });
  page('/art/2022/9/1/art_100_9.html', article('湖南省项目支出绩效自评', '<a href="/front/budgetfinal/download.do?iid=12">下载</a>', counted));

  // Guangdong's gkmlpt: a single-page listing over its JSON API, two records a page.
  page('/gkmlpt/index', `<!DOCTYPE html><html><head><meta charset="utf-8"><script>window._CONFIG = { SID: 'gd0001', SITE_NAME: '某区' };</script>
<script src="/gkmlpt/static/js/app.js"></script></head><body><div id="app"></div></body></html>`);
  const posts = [1001, 1002, 1003].map((id) => ({ id, title: `绩效自评 ${id}`, url: `${site.origin}/gkmlpt/content/1/${id}/post_${id}.html`, display_publish_time: 1694745600 - id }));
  site.on('/gkmlpt/api/all/2911', (req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const n = Number(q.get('page') ?? '1');
    if (q.get('sid') !== 'gd0001') {
      res.writeHead(403, { 'content-type': 'application/json' }).end('{"error":"sid"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ total: posts.length, articles: posts.slice((n - 1) * 2, n * 2) }));
  });
  page('/gkmlpt/content/1/1001/post_1001.html', article('绩效自评 1001',
    `<span class="down" onclick="location.href='/gkmlpt/content/1/1001/att_1001.pdf'">下载附件</span>`, counted));
  page('/gkmlpt/content/1/1002/post_1002.html', article('绩效自评 1002', '<a href="/front/budgetfinal/download.do?iid=13">2022年度自评表</a>', counted));
  page('/gkmlpt/content/1/1003/post_1003.html', article('绩效自评 1003', '<a href="./P020230301.doc">江苏省自评表</a> <a href="./P020230302.ofd">自评表（OFD版）</a>', counted));

  // A listing inside an iframe.
  page('/pagemore/iframePagerIndex_1.html', '<html><body><ul><li><a href="/zwgk/tzgg/202306/t20230601_7.html" target="_top">通知公告：绩效自评</a></li></ul></body></html>');
  page('/zwgk/tzgg/202306/t20230601_7.html', article('通知公告：绩效自评', '<a href="./P020230601000000000003.pdf">附件</a>', counted));

  // The attachments: with their extension, or downloads (a query, or no extension) named only by Content-Disposition.
  const downloads = new Map<string, Map<string, Buffer>>();
  for (const [path, { file }] of Object.entries(CMS_ATTACHMENTS)) {
    if (path.endsWith('.html')) continue;
    const url = new URL(path, 'http://x');
    if (CMS_ATTACHMENTS[path]!.packed === '7z') {
      site.setFile(path, await sevenZip({ '区级/2022年度项目支出绩效自评表.txt': fixture(file) }), 'application/x-7z-compressed');
      continue;
    }
    if (CMS_ATTACHMENTS[path]!.packed === 'ofd') {
      // The PDF's pages as an OFD producer writes them.
      const trace: PageTrace[] = [];
      await extract(fixture(file), file, FORM_SENSE, trace);
      site.setFile(path, writeOfd(trace, 'millimetres'), 'application/ofd');
      continue;
    }
    if (url.search === '' && DISPOSITIONS[path] === undefined) {
      site.setFile(path, fixture(file), path.endsWith('.pdf') ? 'application/pdf' : 'application/msword');
      continue;
    }
    if (!downloads.has(url.pathname)) downloads.set(url.pathname, new Map());
    downloads.get(url.pathname)!.set(url.search, fixture(file));
  }
  for (const [pathname, bySearch] of downloads) {
    site.on(pathname, (req, res) => {
      const search = new URL(req.url ?? '/', 'http://x').search;
      const body = bySearch.get(search);
      if (!body) {
        res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>文件不存在</body></html>');
        return;
      }
      const disposition = DISPOSITIONS[pathname + search] ?? DISPOSITIONS[pathname] ?? 'attachment';
      // No Content-Length: with one, Node refuses header bytes above 0x7f, which these servers send raw.
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': disposition }).end(body);
    });
  }
  return site;
}
