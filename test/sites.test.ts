import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispositionName, downloadOf } from '../src/crawl/download.js';
import { readPage } from '../src/crawl/links.js';
import { GENERIC_EXAMPLES } from '../src/crawl/sites/generic.js';
import { canonical, FAMILIES, findInAnswer, findOnPage } from '../src/crawl/sites/index.js';
import { FIXTURES, queryDb, tempDir, zipinAsync } from './helpers.js';
import { Site } from './site.js';
import { CMS_ATTACHMENTS, CMS_DEAD, cmsSite } from './sites/cms.js';

describe('every CMS family reads its example pages (the cases beside each module)', () => {
  for (const family of FAMILIES) {
    for (const example of family.examples) {
      it(`${family.name}: ${example.name}`, () => {
        const page = readPage(example.html, new URL(example.url));
        expect(family.recognises(page)).toBe(true);
        const found = findOnPage(page);
        expect(found.links.map((u) => canonical(u).href)).toEqual(expect.arrayContaining(example.links));
        const pager = found.pagers[0];
        if (example.pages === undefined) {
          expect(pager).toBeUndefined();
          return;
        }
        expect(pager).toBeDefined();
        if (example.claimed !== undefined) expect(pager!.claimed).toBe(example.claimed);
        example.pages.forEach((expected, i) => {
          const request = pager!.request(i);
          expect(request.url.href).toBe(expected.url);
          expect(request.form ? Object.fromEntries(request.form) : undefined).toEqual(expected.form);
        });
        if (example.answer) {
          const answered = findInAnswer(pager!.request(0), example.answer.body);
          expect(answered.links.map((u) => u.href)).toEqual(example.answer.links);
          expect(answered.claimed).toBe(example.answer.claimed);
          expect(answered.last ?? false).toBe(example.answer.last ?? false);
        }
      });
    }
  }
  for (const example of GENERIC_EXAMPLES) {
    it(`generic: ${example.name}`, () => {
      const found = findOnPage(readPage(example.html, new URL(example.url)));
      // Exactly these, beside the page's own anchors: no half-built script values.
      const anchors = new Set(readPage(example.html, new URL(example.url)).anchors.map((a) => a.url.href));
      expect(found.links.map((u) => u.href).filter((h) => !anchors.has(h)).sort()).toEqual([...example.links].sort());
    });
  }

  it('a page no family built gets no pager, and a family never claims another\'s page', () => {
    const plain = readPage('<html><body><a href="a.html">下一页</a><script>var x = 1;</script></body></html>', new URL('http://gov.test/l/'));
    expect(FAMILIES.filter((f) => f.recognises(plain))).toEqual([]);
    expect(findOnPage(plain).pagers).toEqual([]);
    for (const family of FAMILIES) {
      for (const example of family.examples) {
        const page = readPage(example.html, new URL(example.url));
        expect(FAMILIES.filter((f) => f !== family && f.recognises(page) && f.read(page).pager).map((f) => f.name)).toEqual([]);
      }
    }
  });

  it('a pdf.js viewer link stands for its file; fragments go, except where a hash-routed listing needs them', () => {
    expect(canonical(new URL('http://g.test/pdfjs/web/viewer.html?file=%2Fuploadfiles%2F2023%2Fx.pdf')).href).toBe('http://g.test/uploadfiles/2023/x.pdf');
    expect(canonical(new URL('http://g.test/static/viewer.html?file=files/y.pdf#page=2')).href).toBe('http://g.test/static/files/y.pdf');
    expect(canonical(new URL('http://g.test/a.html#top')).href).toBe('http://g.test/a.html');
    expect(canonical(new URL('http://g.test/gkmlpt/index#2911')).href).toBe('http://g.test/gkmlpt/index#2911');
  });

  it('a pager claiming a million pages makes none of them until asked', () => {
    const page = readPage('<script>createPageHTML(1000000, 0, "index", "html");</script>', new URL('http://g.test/l/'));
    const [pager] = findOnPage(page).pagers;
    expect(pager!.claimed).toBe(999_999);
    expect(pager!.request(999_998).url.href).toBe('http://g.test/l/index_999999.html');
  });
});

describe('downloads named only by their answer', () => {
  const gbk = (hex: string) => Buffer.from(hex, 'hex').toString('latin1');
  it('reads Content-Disposition file names: RFC 8187, raw GBK and UTF-8 bytes, percent-encoded, quoted', () => {
    expect(dispositionName("attachment; filename*=UTF-8''%E8%87%AA%E8%AF%84%E8%A1%A8.pdf")).toBe('自评表.pdf');
    expect(dispositionName(`attachment; filename="fallback.pdf"; filename*=utf-8''%E8%87%AA%E8%AF%84.xlsx`)).toBe('自评.xlsx');
    expect(dispositionName(`attachment; filename="${gbk('d7d4c6c0b1ed2e646f63')}"`)).toBe('自评表.doc');
    expect(dispositionName(`attachment;filename=${Buffer.from('自评表.xls').toString('latin1')}`)).toBe('自评表.xls');
    expect(dispositionName('attachment; filename="%E8%87%AA%E8%AF%84%E8%A1%A8.docx"')).toBe('自评表.docx');
    expect(dispositionName('attachment; filename="..\\\\..\\\\etc\\\\passwd"')).toBe('passwd');
    expect(dispositionName('inline')).toBeNull();
    expect(dispositionName(null)).toBeNull();
  });

  it('decides by the file name, then the content type, then the bytes; an HTML answer is a page', () => {
    const h = (o: Record<string, string>) => new Headers(o);
    const pdf = Buffer.from('%PDF-1.7\n');
    expect(downloadOf(h({ 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename="a.xlsx"' }), pdf).kind).toBe('spreadsheet');
    expect(downloadOf(h({ 'content-type': 'application/vnd.ms-excel' }), pdf).kind).toBe('spreadsheet');
    expect(downloadOf(h({ 'content-type': 'application/octet-stream' }), pdf)).toEqual({ kind: 'pdf', fileName: null });
    expect(downloadOf(h({ 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename="x.rar"' }), Buffer.from('Rar!\x1a\x07\x01\x00', 'latin1')).kind).toBe('archive');
    expect(downloadOf(h({ 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename*=UTF-8\'\'%E5%85%AC%E6%96%87.ofd' }), Buffer.from('PK')).kind).toBe('ofd');
    expect(downloadOf(h({ 'content-type': 'text/html' }), Buffer.from('<html><body>登录</body></html>')).kind).toBe('page');
  });
});

describe('a CMS-built disclosure site (TRS WCM, Hanweb JCMS, gkmlpt), crawled night after night', () => {
  let site: Site;
  const dir = tempDir();
  const db = join(dir, 'zipin.sqlite');
  const files = join(dir, 'files');
  let seed = '';
  const crawl = async (...extra: string[]) => {
    const r = await zipinAsync(['crawl', seed, '--db', db, '--files', files, '--allow-private', '--delay', '0', '--timeout', '10', '--log', 'json', '--json', ...extra]);
    const events = r.stderr.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    return { code: r.code, summary: JSON.parse(r.stdout || '{}') as Record<string, number>, events, stderr: r.stderr };
  };
  const path = (url: unknown) => String(url).replace(site.origin, '');
  const counts = () => queryDb(db, `SELECT (SELECT count(*) FROM documents) AS d, (SELECT count(*) FROM evaluations) AS e,
    (SELECT count(*) FROM indicators) AS i, (SELECT count(*) FROM forms) AS f`)[0];
  let firstNight: Record<string, number> = {};

  beforeAll(async () => {
    site = await cmsSite();
    seed = `${site.origin}/zwgk/index.html`;
  });
  afterAll(() => site.stop());

  it('first night: every attachment and every form, downloads decided by their answer, the server\'s names kept', async () => {
    const r = await crawl();
    const sources = Object.fromEntries(queryDb(db, 'SELECT url, kind, status, file_name FROM sources').map((s) => [path(s.url), [s.status, s.kind, s.file_name]]));
    expect(Object.keys(sources).sort()).toEqual([...Object.keys(CMS_ATTACHMENTS), CMS_DEAD].sort());
    expect(sources[CMS_DEAD]![0]).toBe('failed');
    for (const p of Object.keys(CMS_ATTACHMENTS)) expect(sources[p]![0], p).toBe('new');
    expect(sources['/module/download/downfile.jsp?classid=0&showname=%E8%87%AA%E8%AF%84%E8%A1%A8.pdf&filename=3f2a9c0d1e2b4a5f8e7d6c5b4a392817.pdf']).toEqual(['new', 'pdf', '大鹏新区自评表.pdf']);
    expect(sources['/attach/0/9a8b7c6d5e4f30211203f4e5d6c7b8a9']).toEqual(['new', 'word', '湖北省项目支出绩效自评表.doc']);
    expect(sources['/front/budgetfinal/download.do?iid=12']).toEqual(['new', 'word', '湖南省项目支出绩效自评表.doc']);
    expect(sources['/front/budgetfinal/download.do?iid=13']).toEqual(['new', 'spreadsheet', '2022年度自评表.xlsx']);
    const blocks = Object.fromEntries(queryDb(db, `SELECT d.url, count(e.id) AS n FROM documents d LEFT JOIN evaluations e ON e.document_id = d.id
      GROUP BY d.id`).map((x) => [path(x.url), x.n]));
    expect(blocks).toEqual(Object.fromEntries(Object.entries(CMS_ATTACHMENTS).map(([p, a]) => [p, a.blocks])));
    // The dead navigation link and UEditor's /protect/ copy: one failed page, one never asked for (robots.txt disallows it anyway).
    expect(r.summary).toMatchObject({ new: 18, unsupported: 0, failed: 1, pagesFailed: 1, pagesStillFailing: 0, stopped: 0 });
    expect(r.code).toBe(1);
    expect(site.requests.some((q) => q.path.startsWith('/protect/'))).toBe(false);
    expect(queryDb(db, "SELECT url, status, error FROM pages WHERE status = 'failed'").map((p) => [path(p.url), p.error])).toEqual([['/zwgk/old/', 'HTTP 404']]);
    // The listings' further pages were walked: TRS's 0- and 1-based pagers, Hanweb's POSTed proxy, gkmlpt's API.
    const walked = new Set(queryDb(db, 'SELECT url FROM pages').map((p) => path(p.url)));
    for (const p of ['/zwgk/czyjs/index_1.html', '/zwgk/czyjs/index_2.html', '/zwgk/jxpj/list_2.shtml', '/module/web/jpage/dataproxy.jsp?startrecord=3&endrecord=4&perpage=2',
      '/gkmlpt/api/all/2911?page=2&sid=gd0001', '/pagemore/iframePagerIndex_1.html']) expect(walked.has(p), p).toBe(true);
    expect(r.summary.requests!).toBeGreaterThan(r.summary.pages!);
    firstNight = r.summary;
  }, 120_000);

  it('second night: nothing new, nothing written, exit 0; listings are newest first, so paging stops at their first page', async () => {
    const first = Number(queryDb(db, 'SELECT max(id) AS id FROM runs')[0]!.id);
    const before = site.requests.length;
    const was = counts();
    const r = await crawl();
    expect(r.code).toBe(0);
    // The dead navigation link is still dead: known, not news.
    expect(r.summary).toMatchObject({ new: 0, changed: 0, failed: 0, pagesFailed: 1, pagesStillFailing: 1, evaluations: 0 });
    expect(counts()).toEqual(was);
    expect(r.summary.stopped).toBe(5); // the five listings (two TRS, two Hanweb, gkmlpt)
    const asked = site.requests.slice(before).map((q) => q.path);
    for (const p of ['/zwgk/czyjs/index_1.html', '/zwgk/jxpj/list_2.shtml', '/module/web/jpage/dataproxy.jsp', '/gkmlpt/api/all/2911']) expect(asked).not.toContain(p);
    expect(r.summary.requests).toBe(asked.length);
    expect(r.summary.requests).toBeLessThan(firstNight.requests! / 2);
    expect(queryDb(db, `SELECT sources_new, sources_changed FROM runs WHERE id > ${first}`)).toEqual([{ sources_new: 0, sources_changed: 0 }]);
  }, 120_000);

  it('a full walk finds nothing new either: the page with a view counter keeps one version, the dead links are still failing, exit 0', async () => {
    const was = counts();
    const r = await crawl('--full');
    expect(r.code).toBe(0);
    expect(r.summary).toMatchObject({ new: 0, changed: 0, unchanged: 18, failed: 1, stillFailing: 1, pagesFailed: 1, pagesStillFailing: 1, stopped: 0, evaluations: 0 });
    expect(counts()).toEqual(was);
    expect(queryDb(db, `SELECT count(*) AS n FROM documents WHERE url LIKE '%t20230818_3.html'`)[0]!.n).toBe(1);
    expect(r.events.find((e) => e.event === 'unchanged' && path(e.url) === '/zwgk/czyjs/202308/t20230818_3.html')).toMatchObject({ reason: 'new bytes, the same records' });
  }, 120_000);

  it('a night with a new article on a listing\'s first page: found, and paging stops at the page after it', async () => {
    const listing = site.files.get('/zwgk/czyjs/')!;
    site.setFile('/zwgk/czyjs/', listing.body.toString('utf8').replace('<ul class="list">', '<ul class="list"><li><a href="./202310/t20231008_9.html">更正：专项资金绩效自评</a></li>'), 'text/html; charset=utf-8');
    site.setFile('/zwgk/czyjs/202310/t20231008_9.html', '<html><body><a href="./P020231008000000000009.pdf">更正后的自评表</a><span>浏览次数：3</span></body></html>', 'text/html; charset=utf-8');
    site.setFile('/zwgk/czyjs/202310/P020231008000000000009.pdf', readFileSync(join(FIXTURES, 'region-sichuan.chromium.pdf')), 'application/pdf');
    const before = site.requests.length;
    const r = await crawl();
    expect(r.code).toBe(0);
    expect(r.summary).toMatchObject({ new: 1, changed: 0 });
    expect(r.summary.failed).toBe(r.summary.stillFailing);
    const asked = site.requests.slice(before).map((q) => q.path);
    expect(asked).toContain('/zwgk/czyjs/index_1.html'); // page 1 brought something new, so page 2 was read…
    expect(asked).not.toContain('/zwgk/czyjs/index_2.html'); // …and brought nothing: the walk stopped there
    site.setFile('/zwgk/czyjs/', listing.body, listing.type);
  }, 120_000);

  it('--full walks every listing to its end; a changed figure on the counter page still makes a new version', async () => {
    const before = site.requests.length;
    const form = '/zwgk/czyjs/202308/t20230818_3.html';
    const original = site.handlers.get(form)!;
    site.on(form, (req, res, s) => {
      const write = res.end.bind(res);
      (res as { end: (b: string) => void }).end = (body: string) => write(body.replace('>326公里<', '>316公里<'));
      return original(req, res, s);
    });
    const r = await crawl('--full');
    expect(r.events.filter((e) => e.event === 'changed').map((e) => path(e.url))).toEqual([form]);
    expect(r.summary).toMatchObject({ stopped: 0, new: 0, changed: 1, unchanged: 17 });
    const asked = site.requests.slice(before).map((q) => q.path);
    expect(asked).toEqual(expect.arrayContaining(['/zwgk/czyjs/index_2.html', '/zwgk/jxpj/list_2.shtml', '/gkmlpt/api/all/2911', '/module/web/jpage/dataproxy.jsp']));
    site.on(form, original);
    expect(queryDb(db, `SELECT d.current, i.actual FROM documents d JOIN evaluations e ON e.document_id = d.id JOIN indicators i ON i.evaluation_id = e.id
      WHERE d.url LIKE '%t20230818_3.html' AND i.name = '日常养护里程' ORDER BY d.id`)).toEqual([{ current: 0, actual: '326公里' }, { current: 1, actual: '316公里' }]);
  }, 120_000);
});

describe('scripted pagers stay bounded and polite', () => {
  let site: Site;
  beforeAll(async () => {
    site = new Site('127.0.0.1');
    await site.start();
    site.setFile('/huge/', '<html><body><a href="a.html">第一篇</a><script>createPageHTML(1000000, 0, "index", "html");</script></body></html>', 'text/html');
    site.setFile('/huge/a.html', '<html><body>正文</body></html>', 'text/html');
    site.setFile('/x.html', '<html><body>正文</body></html>', 'text/html');
    for (let i = 1; i < 10; i++) site.setFile(`/huge/index_${i}.html`, `<html><body><a href="p${i}.html">第${i}页</a></body></html>`, 'text/html');
    site.setFile('/col/1/index.html', `<html><body><script type="text/xml"><datastore><recordset></recordset></datastore></script>
      <script>$('#1').jpage({totalRecord: 30, perPage: 10, groupSize: 1, proxyUrl: '/module/web/jpage/dataproxy.jsp', ajaxParam: {columnid: 1}});</script></body></html>`, 'text/html');
    // No totalRecord: a pager of unknown length, ended only by an empty answer.
    site.setFile('/col/2/index.html', `<html><body><script>$('#2').jpage({perPage: 10, proxyUrl: '/module/web/jpage/dataproxy.jsp', ajaxParam: {columnid: 2}});</script></body></html>`, 'text/html');
    site.on('/module/web/jpage/dataproxy.jsp', (req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'text/xml' }).end('<datastore><totalrecord>30</totalrecord><recordset><record><![CDATA[<a href="/x.html">x</a>]]></record></recordset></datastore>'));
    });
  });
  afterAll(() => site.stop());
  const run = (seed: string, db: string, ...extra: string[]) => zipinAsync(['crawl', `${site.origin}${seed}`, '--db', db, '--files', join(tempDir(), 'f'),
    '--allow-private', '--json', ...extra]);

  it('the same families with other habits: a pager function defined in the page, lower-case jpage keys, a GBK proxy answer, inline and raw-GBK downloads, a viewer in an iframe', async () => {
    const site = new Site('127.0.0.1');
    await site.start();
    const gbk = (hex: string) => Buffer.from(hex, 'hex');
    site.setFile('/xxgk/jxgk/index.shtml', `<html><head><meta charset="gb2312"></head><body><ul>
  <li><a href="./202401/t20240110_88.shtml">一</a></li></ul>
  <script type="text/javascript">
  function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){ if(_nPageCount == null || _nPageCount<=1){ return; } }
  createPageHTML(3, 0, "index", "shtml");
  </script></body></html>`, 'text/html');
    site.setFile('/xxgk/jxgk/index_1.shtml', '<html><body><a href="./202312/t20231201_77.shtml">二</a></body></html>', 'text/html');
    site.setFile('/xxgk/jxgk/index_2.shtml', '<html><body><a href="javascript:downloadFile(\'/u/2023/sichuan.pdf\')">三</a></body></html>', 'text/html');
    site.setFile('/xxgk/jxgk/202401/t20240110_88.shtml', `<html><body><div class="attach"><a href="#" onclick="location.href=&quot;/u/dl?id=7&quot;;return false;">附件</a></div></body></html>`, 'text/html');
    site.setFile('/xxgk/jxgk/202312/t20231201_77.shtml', `<html><body><p><a href="/u/dl?id=8">附件</a></p></body></html>`, 'text/html');
    site.setFile('/u/2023/sichuan.pdf', readFileSync(join(FIXTURES, 'region-sichuan.writer.pdf')), 'application/pdf');
    site.on('/u/dl', (req, res) => {
      const id = new URL(req.url!, 'http://x').searchParams.get('id');
      if (id === '7') res.writeHead(200, { 'content-type': 'application/force-download', 'content-disposition': "inline; filename*=utf-8''%E8%87%AA%E8%AF%84.pdf" }).end(readFileSync(join(FIXTURES, '004_7f468a29561a31e4.blocks-2-3.writer-web.pdf')));
      else res.writeHead(200, { 'content-type': 'application/x-msdownload', 'content-disposition': 'attachment; filename=' + gbk('d7d4c6c0b1ed2e786c73').toString('latin1') }).end(readFileSync(join(FIXTURES, '003_e7112b8e4e2d84a4.xls')));
    });
    // Hanweb with lower-case keys, the proxy's answer in GBK
    site.setFile('/col/col9/index.html', `<html><body><script type="text/xml"><datastore><recordset>
  <record><![CDATA[<tr><td><a href='/art/2024/1/1/art_9_1.html'>一</a></td></tr>]]></record></recordset></datastore></script>
  <script language="javascript">var obj = $("#div9"); obj.jpage({ dataStore: dataStore, totalrecord: 2, perpage: 1, proxyUrl: "/module/web/jpage/dataproxy.jsp", ajaxParam: {"col": 1, "webid": "2", "columnid": "9", "unitid": "9"} });</script></body></html>`, 'text/html');
    site.on('/module/web/jpage/dataproxy.jsp', (req, res) => {
      let body = ''; req.on('data', (c) => { body += c; });
      req.on('end', () => {
        const ok = new URLSearchParams(body).get('columnid') === '9';
        res.writeHead(200, { 'content-type': 'text/xml;charset=GBK' }).end(Buffer.concat([Buffer.from('<?xml version="1.0" encoding="GBK"?><datastore><totalrecord>2</totalrecord><recordset>'), ok ? Buffer.from("<record><![CDATA[<tr><td><a href='/art/2024/1/2/art_9_2.html' title='") : Buffer.alloc(0), ok ? gbk('d7d4c6c0') : Buffer.alloc(0), ok ? Buffer.from("'>x</a></td></tr>]]></record>") : Buffer.alloc(0), Buffer.from('</recordset></datastore>')]));
      });
    });
    site.setFile('/art/2024/1/1/art_9_1.html', '<html><body><a href="/attach/1/abcdef0123456789abcdef0123456789.doc">附件</a></body></html>', 'text/html');
    site.setFile('/attach/1/abcdef0123456789abcdef0123456789.doc', readFileSync(join(FIXTURES, 'regions/region-hunan.mht.doc')), 'application/msword');
    site.setFile('/art/2024/1/2/art_9_2.html', '<html><body><iframe src="/pdfjs/web/viewer.html?file=/u/2024/x.pdf"></iframe><a href="/pdfjs/web/viewer.html?file=%2Fu%2F2024%2Fx.pdf">看</a></body></html>', 'text/html');
    site.setFile('/u/2024/x.pdf', readFileSync(join(FIXTURES, '004_7f468a29561a31e4.blocks-16-17.writer.pdf')), 'application/pdf');
    site.setFile('/index.html', '<html><body><a href="/xxgk/jxgk/index.shtml">绩效</a><a href="/col/col9/index.html">大汉</a></body></html>', 'text/html');
    const db = join(tempDir(), 'v.sqlite');
    const r = await zipinAsync(['crawl', `${site.origin}/index.html`, '--db', db, '--files', join(tempDir(), 'f'), '--allow-private', '--delay', '0', '--json', '--log', 'json']);
    await site.stop();
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ new: 5, failed: 0, pagesFailed: 0, evaluations: 14 });
    expect(queryDb(db, 'SELECT url, kind, file_name FROM sources ORDER BY url').map((x) => [String(x.url).replace(site.origin, ''), x.kind, x.file_name])).toEqual([
      ['/attach/1/abcdef0123456789abcdef0123456789.doc', 'word', null], ['/u/2023/sichuan.pdf', 'pdf', null], ['/u/2024/x.pdf', 'pdf', null],
      ['/u/dl?id=7', 'pdf', '自评.pdf'], ['/u/dl?id=8', 'spreadsheet', '自评表.xls'],
    ]);
  }, 60_000);

  it('a pager claiming a million pages is capped by --max-pages and says so', async () => {
    const db = join(tempDir(), 'z.sqlite');
    const r = await run('/huge/', db, '--max-pages', '6', '--delay', '0');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as Record<string, number>;
    expect(summary.pages).toBe(6);
    expect(summary.pagesCapped).toBe(999_999 - 5); // page 1 and five further pages walked (the article link waits its turn)
    const plain = await zipinAsync(['crawl', `${site.origin}/huge/`, '--db', join(tempDir(), 'y.sqlite'), '--files', join(tempDir(), 'f'), '--allow-private', '--max-pages', '6', '--delay', '0']);
    expect(plain.stdout).toContain('capped: 999994 further listing page(s) not walked (--max-pages 6)');
  }, 60_000);

  it('a pager of unknown length that leads out of --include ends at once (no endless turning)', async () => {
    const r = await run('/col/2/index.html', join(tempDir(), 'i.sqlite'), '--delay', '0', '--include', '/col/');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ pages: 1 });
  }, 60_000);

  it('a data call waits its turn at the host like any request (--delay), and robots.txt applies to it', async () => {
    const before = site.requests.length;
    const r = await run('/col/1/index.html', join(tempDir(), 'z.sqlite'), '--delay', '300');
    expect(r.code, r.stderr).toBe(0);
    const mine = site.requests.slice(before).sort((a, b) => a.at - b.at);
    const posts = mine.filter((q) => q.method === 'POST');
    expect(posts).toHaveLength(3);
    // Requests start 300 ms apart at the least (robots.txt, the page, three POSTs, the record's page); on a
    // busy machine an arrival may lag its start, so a little under that — unspaced, they would take a few ms.
    expect(mine.length).toBeGreaterThanOrEqual(6);
    expect(mine.at(-1)!.at - mine[0]!.at).toBeGreaterThanOrEqual((mine.length - 1) * 300 * 0.7);
    site.setFile('/robots.txt', 'User-agent: *\nDisallow: /module/\n', 'text/plain');
    const after = site.requests.length;
    const disallowed = await run('/col/1/index.html', join(tempDir(), 'w.sqlite'), '--delay', '0', '--log', 'json');
    expect(site.requests.slice(after).filter((q) => q.method === 'POST')).toEqual([]);
    expect(disallowed.stderr).toContain('"event":"disallowed"');
    site.files.delete('/robots.txt');
  }, 60_000);
});

