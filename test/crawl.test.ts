import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matches, parseRobots } from '../src/crawl/robots.js';
import { isPrivateAddress } from '../src/crawl/addresses.js';
import { linkKind, readPage } from '../src/crawl/links.js';
import { canonical } from '../src/crawl/sites/index.js';
import { openDataset } from '../src/store/open.js';
import { processStarted } from '../src/store/lock.js';
import type { SqliteDataset } from '../src/store/store.js';
import { CLI, corpusFile, DOCS, FIXTURES, queryDb, tempDir, zipinAsync } from './helpers.js';
import { Site } from './site.js';

const text = (name: string) => readFileSync(corpusFile(name));

/** The disclosure site: two listing pages (下一页), a detail page, attachments good and bad. */
async function disclosureSite(other: Site): Promise<Site> {
  const site = new Site('127.0.0.1');
  await site.start();
  const o = site.origin;
  site.setFile('/robots.txt', 'User-agent: *\nDisallow: /private/\n', 'text/plain');
  site.setFile('/list/index.html', `<html><head><title>预决算公开</title></head><body><ul>
    <li><a href="../files/000.txt">信息中心 2021 自评</a></li>
    <li><a href="${o}/files/001.txt">网信办 2021 自评（绝对链接）</a></li>
    <li><a href="/docs/report.xlsx">自评表 (Excel)</a></li>
    <li><a href="/docs/form.docx">自评表 (Word)</a></li>
    <li><a href="/docs/form.doc">自评表 (Word 97)</a></li>
    <li><a href="/docs/scan.png">自评表（扫描件）</a> <img src="/img/logo.png" alt="徽标"></li>
    <li><a href="/docs/forms.rar">自评表 (RAR)</a></li>
    <li><a href="/files/missing.txt">已删除的附件</a></li>
    <li><a href="/files/flaky.txt">偶尔出错</a></li>
    <li><a href="/private/secret.txt">内部</a></li>
    <li><a href="detail.html">详情</a></li>
    <li><a href="article.html">自评表（正文）</a></li>
  </ul><a href="index_2.html">下一页</a></body></html>`, 'text/html; charset=utf-8');
  site.setFile('/list/index_2.html', `<html><body>
    <a href="/files/busy.txt">繁忙</a> <a href="/files/slow.txt">很慢</a> <a href="/files/moved.pdf">已迁移</a>
    <a href="/files/huge.txt">超大</a> <a href="/files/endless.txt">无长度</a> <a href="/files/error.pdf">错误页</a>
    <a href="index.html">上一页</a></body></html>`, 'text/html');
  site.setFile('/list/detail.html', '<html><body><p>附件：<a href="/docs/003.calc.pdf">自评表</a></p></body></html>', 'text/html');
  site.setFile('/files/000.txt', text(DOCS.shuju), 'text/plain; charset=utf-8');
  site.setFile('/files/001.txt', text(DOCS.wangxin), 'text/plain');
  site.setFile('/docs/003.calc.pdf', readFileSync(join(FIXTURES, '003_e7112b8e4e2d84a4.calc.pdf')), 'application/pdf');
  site.setFile('/docs/report.xlsx', readFileSync(join(FIXTURES, '003_e7112b8e4e2d84a4.xlsx')), 'application/vnd.ms-excel');
  site.setFile('/list/article.html', readFileSync(join(FIXTURES, '003_e7112b8e4e2d84a4.article.gbk.html')), 'text/html; charset=gb2312');
  for (const nav of ['/', '/zwgk/', '/zwgk/czxx/']) site.setFile(nav, '<html><body>栏目</body></html>', 'text/html'); // the article's breadcrumbs
  site.setFile('/docs/form.docx', readFileSync(join(FIXTURES, '003_e7112b8e4e2d84a4.docx')), 'application/msword');
  site.setFile('/docs/form.doc', readFileSync(join(FIXTURES, 'region-sichuan.doc')), 'application/msword');
  site.setFile('/docs/scan.png', readFileSync(join(FIXTURES, 'other-issuer.scan.png')), 'image/png');
  site.setFile('/docs/forms.rar', Buffer.from('Rar!\x1a\x07\x00', 'latin1'), 'application/x-rar-compressed');
  site.setFile('/private/secret.txt', text(DOCS.guihua), 'text/plain');
  let flaky = 0;
  site.on('/files/flaky.txt', (req, res) => {
    if (flaky++ === 0) res.writeHead(500).end('oops');
    else if (req.headers['if-none-match'] === '"flaky"') res.writeHead(304).end();
    else res.writeHead(200, { 'content-type': 'text/plain', etag: '"flaky"' }).end(text(DOCS.guihua));
  });
  let busy = 0;
  site.on('/files/busy.txt', (req, res) => {
    if (busy++ === 0) res.writeHead(429, { 'retry-after': '1' }).end('slow down');
    else if (req.headers['if-none-match'] === '"busy"') res.writeHead(304).end();
    else res.writeHead(200, { 'content-type': 'text/plain', etag: '"busy"' }).end(text(DOCS.dapeng));
  });
  site.on('/files/slow.txt', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('项目支出绩效自评表\n');
    setTimeout(() => res.end('项目名称\t慢\n'), 10_000); // far past the 2 s timeout, even on a busy machine
  });
  site.on('/files/moved.pdf', (_req, res) => {
    res.writeHead(302, { location: `${other.origin}/elsewhere.pdf` }).end();
  });
  site.on('/files/huge.txt', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 300_000 });
    res.end(Buffer.alloc(300_000, 0x41));
  });
  site.on('/files/endless.txt', (_req, res) => { // no Content-Length: the cap applies while reading
    res.writeHead(200, { 'content-type': 'text/plain' });
    for (let i = 0; i < 30; i++) res.write(Buffer.alloc(10_000, 0x41));
    res.end();
  });
  site.setFile('/files/error.pdf', '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>', 'application/pdf');
  return site;
}

const zipin = zipinAsync;

async function crawl(db: string, files: string, seed: string, ...extra: string[]) {
  const r = await zipin(['crawl', seed, '--db', db, '--files', files, '--allow-private', '--delay', '0',
    '--timeout', '2', '--retries', '2', '--max-bytes', '200000', '--log', 'json', ...extra]);
  const events = r.stderr.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code: r.code, stdout: r.stdout, events };
}

/** Wait for a condition, polling; fails the test after `budgetMs`. */
async function until(condition: () => boolean, budgetMs: number): Promise<void> {
  const deadline = Date.now() + budgetMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${budgetMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const rows = queryDb;

describe('zipin crawl against a real disclosure site on loopback', () => {
  const other = new Site('127.0.0.2');
  let site: Site;
  const dir = tempDir();
  const db = join(dir, 'zipin.sqlite');
  const files = join(dir, 'files');
  let seed = '';

  beforeAll(async () => {
    await other.start();
    other.setFile('/elsewhere.pdf', readFileSync(join(FIXTURES, 'other-issuer.pdf')), 'application/pdf');
    site = await disclosureSite(other);
    seed = `${site.origin}/list/index.html`;
  });
  afterAll(async () => {
    await site.stop();
    await other.stop();
  });

  it('first run: extracts every good attachment once and records each failure with its reason', async () => {
    const r = await crawl(db, files, seed);
    expect(r.code).toBe(1); // some sources failed; the rest are saved
    expect(r.stdout).toContain('pages: 7 (0 failed)');
    const sources = Object.fromEntries(rows(db, 'SELECT url, status, error, http_status FROM sources').map((s) => [String(s.url).replace(site.origin, ''), [s.status, s.error]]));
    expect(sources).toEqual({
      '/files/000.txt': ['new', null],
      '/files/001.txt': ['new', null],
      '/docs/003.calc.pdf': ['new', null],
      '/files/flaky.txt': ['new', null],
      '/files/busy.txt': ['new', null],
      '/docs/report.xlsx': ['new', null],
      '/docs/form.docx': ['new', null],
      '/docs/form.doc': ['new', null],
      '/docs/scan.png': ['new', null], // linked, so an attachment; the <img> beside it is none
      '/docs/forms.rar': ['failed', 'cannot extract: cannot read RAR archive: no files in it (truncated?)'],
      '/list/article.html': ['new', null], // an article page holding a form; the listing pages are no documents
      '/files/missing.txt': ['failed', 'HTTP 404'],
      '/private/secret.txt': ['disallowed', 'disallowed by robots.txt'],
      '/files/slow.txt': ['failed', 'timed out after 2 s'],
      '/files/moved.pdf': ['failed', `redirect to another host refused: ${other.origin}/elsewhere.pdf`],
      '/files/huge.txt': ['failed', 'too large: 300000 bytes (limit 200000)'],
      '/files/endless.txt': ['failed', 'too large: over 200000 bytes'],
      '/files/error.pdf': ['failed', 'cannot extract: not a PDF: the file is an HTML page (an error page saved as .pdf?)'],
    });
    expect(other.requests).toEqual([]); // the redirect was refused before any request went there
    expect(rows(db, `SELECT d.url, count(e.id) AS blocks FROM documents d LEFT JOIN evaluations e ON e.document_id = d.id
      WHERE d.status = 'ok' GROUP BY d.id ORDER BY d.url`).map((x) => [String(x.url).replace(site.origin, ''), x.blocks])).toEqual([
      ['/docs/003.calc.pdf', 8], ['/docs/form.doc', 1], ['/docs/form.docx', 8], ['/docs/report.xlsx', 8], ['/docs/scan.png', 1], ['/files/000.txt', 9], ['/files/001.txt', 11], ['/files/busy.txt', 24],
      ['/files/flaky.txt', 8], ['/list/article.html', 8],
    ]);
    // Stored by content hash, never by a server-given name.
    const stored = readdirSync(files).sort();
    expect(stored.every((f) => /^[0-9a-f]{64}.(pdf|txt|xlsx|html|docx|doc|png|rar)$/.test(f))).toBe(true);
    expect(stored).toHaveLength(12); // ten good files, the HTML page served as a PDF and the RAR cut short
    expect(r.events.some((e) => e.event === 'retry' && String(e.url).endsWith('/files/flaky.txt'))).toBe(true);
    expect(r.events.find((e) => e.event === 'retry' && String(e.url).endsWith('/files/busy.txt'))).toMatchObject({ waitMs: 1000, reason: 'HTTP 429' });
    expect(r.events.at(-1)).toMatchObject({ event: 'summary', new: 10, unsupported: 0, disallowed: 1, failed: 7 });
    expect(rows(db, "SELECT format, count(*) AS n FROM documents WHERE status = 'ok' GROUP BY format ORDER BY format")).toEqual([
      { format: 'doc', n: 1 }, { format: 'docx', n: 1 }, { format: 'html', n: 1 }, { format: 'image', n: 1 }, { format: 'pdf', n: 1 }, { format: 'text', n: 4 }, { format: 'xlsx', n: 1 },
    ]);
  }, 60_000);

  it('gives the same dataset as extract on the same files', async () => {
    const extracted = join(dir, 'extract.sqlite');
    await zipin(['extract', files, '--db', extracted]);
    const q = `SELECT d.sha256, e.block_index, e.project_name, e.total_score, e.confidence, count(i.seq) AS indicators
      FROM documents d JOIN evaluations e ON e.document_id = d.id LEFT JOIN indicators i ON i.evaluation_id = e.id
      GROUP BY e.id ORDER BY d.sha256, e.block_index`;
    expect(rows(db, q)).toEqual(rows(extracted, q));
    expect(rows(db, q)).toHaveLength(86);
  }, 60_000);

  it('second run: downloads nothing and adds no rows', async () => {
    const before = site.requests.length;
    const counts = () => rows(db, `SELECT (SELECT count(*) FROM documents) AS d, (SELECT count(*) FROM evaluations) AS e,
      (SELECT count(*) FROM indicators) AS i, (SELECT count(*) FROM sources) AS s`)[0];
    const was = counts();
    const r = await crawl(db, files, seed);
    // The broken links are broken the same way as last night: known, not news — no exit 1 for them.
    expect(r.code).toBe(0);
    expect(r.events.at(-1)).toMatchObject({ event: 'summary', failed: 7, stillFailing: 7 });
    expect(r.events.filter((e) => e.event === 'failed').every((e) => e.still === true)).toBe(true);
    expect(r.stdout).toContain('failed 7, of which still failing 7)');
    expect(site.downloads(before, /\/(files|docs)\/(000|001|003|flaky|busy)/)).toEqual([]);
    expect(site.requests.slice(before).filter((q) => /000|001|003/.test(q.path)).map((q) => q.status)).toEqual([304, 304, 304]);
    expect(counts()).toEqual(was);
    expect(rows(db, "SELECT count(*) AS n FROM sources WHERE status = 'unchanged'")[0]!.n).toBe(10);
    expect(rows(db, 'SELECT count(*) AS n, sum(sources_new) AS new FROM runs')[0]).toEqual({ n: 2, new: 10 });
  }, 60_000);

  it('--strict counts the still failing sources; a source failing anew makes the run exit 1 by itself', async () => {
    expect((await crawl(db, files, seed, '--strict')).code).toBe(1);
    const plain = await zipin(['crawl', seed, '--db', db, '--files', files, '--allow-private', '--delay', '0', '--timeout', '2', '--retries', '0', '--max-bytes', '200000']);
    expect(plain.stderr).toContain(`zipin: crawl: ${site.origin}/files/missing.txt: still failing: HTTP 404`);
    const json = await crawl(db, files, seed, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ failed: 7, stillFailing: 7, unchanged: 10, database: db, files });
    // export carries what the crawl recorded: its sources and runs.
    const out = join(dir, 'export');
    expect((await zipin(['export', '--db', db, '--out', out])).code).toBe(0);
    const lines = (name: string) => readFileSync(join(out, `${name}.csv`), 'utf8').trim().split('\r\n').length - 1;
    expect([lines('sources'), lines('runs')]).toEqual([rows(db, 'SELECT * FROM sources').length, rows(db, 'SELECT * FROM runs').length]);
    site.files.delete('/files/001.txt');
    const r = await crawl(db, files, seed);
    expect(r.code).toBe(1);
    expect(r.events.at(-1)).toMatchObject({ event: 'summary', failed: 8, stillFailing: 7 });
    site.setFile('/files/001.txt', text(DOCS.wangxin), 'text/plain');
    expect((await crawl(db, files, seed)).code).toBe(0); // back: unchanged bytes, nothing failing anew
  }, 60_000);

  it('a changed file gives exactly one new document version; the old one stays, no longer current', async () => {
    const changed = text(DOCS.shuju).toString('utf8').replace('信息工程质量监督', '信息工程质量监督（更正）');
    site.setFile('/files/000.txt', changed, 'text/plain; charset=utf-8', new Date('2024-06-01T00:00:00Z'));
    await crawl(db, files, seed);
    const versions = rows(db, `SELECT d.current, d.status, (SELECT project_name FROM evaluations WHERE document_id = d.id AND block_index = 0) AS first
      FROM documents d WHERE d.url = '${site.origin}/files/000.txt' ORDER BY d.id`);
    expect(versions).toEqual([
      { current: 0, status: 'ok', first: '信息工程质量监督' },
      { current: 1, status: 'ok', first: '信息工程质量监督（更正）' },
    ]);
    expect(rows(db, `SELECT status FROM sources WHERE url = '${site.origin}/files/000.txt'`)).toEqual([{ status: 'changed' }]);
    expect(rows(db, 'SELECT count(*) AS n FROM documents')[0]!.n).toBe(13); // the 11 first read (the RAR cut short among them), and the new version
  }, 60_000);
});

describe('unattended runs', () => {
  it('a run killed half-way (kill -9) converges, on the next run, to the database of an uninterrupted run', async () => {
    const site = new Site();
    await site.start();
    const names = Object.values(DOCS);
    site.setFile('/index.html', `<html><body>${names.map((n) => `<a href="/files/${n}">${n}</a>`).join(' ')}
      <a href="/docs/calc.pdf">pdf</a> <a href="/docs/chromium.pdf">pdf</a></body></html>`, 'text/html');
    for (const n of names) site.setFile(`/files/${n}`, text(n), 'text/plain');
    site.setFile('/docs/calc.pdf', readFileSync(join(FIXTURES, '003_e7112b8e4e2d84a4.calc.pdf')), 'application/pdf');
    site.setFile('/docs/chromium.pdf', readFileSync(join(FIXTURES, '003_e7112b8e4e2d84a4.chromium.pdf')), 'application/pdf');
    const args = (db: string, files: string) => [CLI, 'crawl', `${site.origin}/index.html`, '--db', db, '--files', files,
      '--allow-private', '--delay', '150', '--per-host', '1', '--concurrency', '1'];
    try {
      const a = tempDir();
      const killed = spawn(process.execPath, args(join(a, 'z.sqlite'), join(a, 'files')), { stdio: 'ignore' });
      // Kill it once the first attachments are written (waiting on that, not on a clock: a busy machine starts slowly).
      await until(() => existsSync(join(a, 'files')) && readdirSync(join(a, 'files')).length >= 2, 60_000);
      killed.kill('SIGKILL');
      await new Promise((r) => killed.once('exit', r));
      expect(rows(join(a, 'z.sqlite'), 'SELECT pid FROM locks')).toEqual([{ pid: killed.pid }]); // left behind by the killed run…
      const again = await zipin(args(join(a, 'z.sqlite'), join(a, 'files')).slice(1));
      expect(again.code).toBe(0); // …and taken over: its PID is gone

      const b = tempDir();
      expect((await zipin(args(join(b, 'z.sqlite'), join(b, 'files')).slice(1))).code).toBe(0);
      const q = `SELECT d.sha256, d.url, d.status, d.current, count(e.id) AS blocks, s.status IS NOT NULL AS linked
        FROM documents d LEFT JOIN evaluations e ON e.document_id = d.id LEFT JOIN sources s ON s.document_id = d.id
        GROUP BY d.id ORDER BY d.sha256`;
      const fix = (rs: Array<Record<string, unknown>>) => rs.map((r) => ({ ...r, url: String(r.url).replace(site.origin, '') }));
      expect(fix(rows(join(a, 'z.sqlite'), q))).toEqual(fix(rows(join(b, 'z.sqlite'), q)));
      expect(rows(join(b, 'z.sqlite'), q)).toHaveLength(7);
      expect(rows(join(a, 'z.sqlite'), 'SELECT url, sha256 FROM sources ORDER BY url')).toEqual(rows(join(b, 'z.sqlite'), 'SELECT url, sha256 FROM sources ORDER BY url'));
    } finally {
      await site.stop();
    }
  }, 180_000);

  it('never runs twice at once on one database', async () => {
    const dir = tempDir();
    const db = join(dir, 'z.sqlite');
    const dataset = await openDataset(db);
    const held = await dataset.acquireLock('crawl'); // this live process holds it
    const r = spawnSync(process.execPath, [CLI, 'crawl', 'http://127.0.0.1:9/', '--db', db, '--allow-private'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`another crawl (pid ${process.pid}) is using`);
    expect('release' in held).toBe(true);
    await dataset.close();
  });

  it('takes over a lock whose PID now belongs to another process, and never one just taken', async () => {
    const db = join(tempDir(), 'z.sqlite');
    const dataset = await openDataset(db) as SqliteDataset;
    const { store } = dataset;
    // A live PID (this process) but another start time: the holder died and its PID was reused.
    store.db.prepare(`INSERT INTO locks (name, pid, host, process_started, token, acquired_at) VALUES ('crawl', ?, ?, 'boot:1', 'old', '2020-01-01')`)
      .run(process.pid, hostname());
    const taken = await dataset.acquireLock('crawl');
    expect('release' in taken).toBe(true);
    expect(store.db.prepare('SELECT pid, process_started FROM locks').get()).toEqual({ pid: process.pid, process_started: processStarted(process.pid) });
    // A second taker sees a live holder with the right start time: refused, and the lock stays.
    const second = await openDataset(db);
    expect(await second.acquireLock('crawl')).toEqual({ heldBy: process.pid });
    await second.close();
    if ('release' in taken) await taken.release();
    expect(store.db.prepare('SELECT count(*) AS n FROM locks').get()).toEqual({ n: 0 });
    await dataset.close();
  });

  it('refuses loopback and private addresses unless told otherwise', async () => {
    const site = new Site();
    await site.start();
    site.setFile('/index.html', '<html><body>x</body></html>', 'text/html');
    try {
      const dir = tempDir();
      const r = await zipin(['crawl', `${site.origin}/index.html`, '--db', join(dir, 'z.sqlite'), '--files', join(dir, 'f')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("refused: 127.0.0.1 is a private or loopback address (127.0.0.1); pass --allow-private to allow the listing's own host");
      expect(site.requests).toEqual([]);
    } finally {
      await site.stop();
    }
  });

  it('rejects bad usage and configuration with exit 2', () => {
    const dir = tempDir();
    const config = join(dir, 'sources.json');
    writeFileSync(config, JSON.stringify({ sources: ['not a url'], delayMs: -1 }));
    for (const args of [['crawl'], ['crawl', 'ftp://example.invalid/'], ['crawl', '--config', config], ['crawl', 'http://127.0.0.1/', '--include', '(']]) {
      const r = spawnSync(process.execPath, [CLI, ...args, '--db', join(dir, 'z.sqlite')], { encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(2);
    }
  });
});

describe("the crawler's guards", () => {
  it.each([
    ['[::ffff:127.0.0.1]'], ['[::ffff:7f00:1]'], ['[0:0:0:0:0:ffff:7f00:1]'], ['2130706433'], ['0177.0.0.1'], ['127.1'], ['localhost'], ['[::1]'],
  ])('refuses %s, another spelling of a loopback address, before any request', async (host) => {
    const site = new Site();
    await site.start();
    site.setFile('/index.html', '<html><body>x</body></html>', 'text/html');
    try {
      const dir = tempDir();
      const port = new URL(site.origin).port;
      const r = await zipin(['crawl', `http://${host}:${port}/index.html`, '--db', join(dir, 'z.sqlite'), '--files', join(dir, 'f'), '--retries', '0']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/refused: \S+ is a private or loopback address \((127\.0\.0\.1|::1|::ffff:7f00:1)\)/);
      expect(site.requests).toEqual([]);
    } finally {
      await site.stop();
    }
  });

  it('--allow-private opens the listing\'s own host, not every private address', async () => {
    const site = new Site('127.0.0.1');
    const other = new Site('127.0.0.2');
    await site.start();
    await other.start();
    other.setFile('/x.txt', text(DOCS.guihua), 'text/plain');
    site.setFile('/index.html', `<html><body><a href="${other.origin}/x.txt">x</a><a href="/y.txt">y</a></body></html>`, 'text/html');
    site.setFile('/y.txt', text(DOCS.guihua), 'text/plain');
    try {
      const dir = tempDir();
      const r = await crawl(join(dir, 'z.sqlite'), join(dir, 'f'), `${site.origin}/index.html`);
      expect(r.code).toBe(1);
      expect(rows(join(dir, 'z.sqlite'), 'SELECT url, status, error FROM sources ORDER BY status')).toEqual([
        { url: `${other.origin}/x.txt`, status: 'failed', error: "refused: 127.0.0.2 is a private or loopback address (127.0.0.2); pass --allow-private to allow the listing's own host" },
        { url: `${site.origin}/y.txt`, status: 'new', error: null },
      ]);
      expect(other.requests).toEqual([]);
    } finally {
      await site.stop();
      await other.stop();
    }
  });

  it('caps the attachments taken from one page and in one run', async () => {
    const site = new Site();
    await site.start();
    site.setFile('/index.html', `<html><body>${Array.from({ length: 5000 }, (_, i) => `<a href="/f/${i}.txt">${i}</a>`).join('')}</body></html>`, 'text/html');
    try {
      const dir = tempDir();
      const r = await crawl(join(dir, 'z.sqlite'), join(dir, 'f'), `${site.origin}/index.html`, '--max-page-attachments', '40', '--retries', '0');
      expect(r.stdout).toContain('capped: 4960 attachment link(s) not followed');
      expect(r.events.find((e) => e.event === 'capped')).toMatchObject({ reason: '4960 attachment link(s) not followed (limit 40 per page)' });
      expect(site.requests.filter((q) => q.path.startsWith('/f/'))).toHaveLength(40);
      const perRun = await crawl(join(dir, 'z2.sqlite'), join(dir, 'f2'), `${site.origin}/index.html`, '--max-attachments', '25', '--retries', '0');
      expect(perRun.stdout).toContain('sources: 25 ');
      expect(perRun.events.find((e) => e.event === 'capped')).toMatchObject({ reason: '4975 attachment link(s) not followed (limit 25 per run)' });
    } finally {
      await site.stop();
    }
  }, 120_000);

  it('ends a run at its deadline, even when the server asks to retry much later', async () => {
    const site = new Site();
    await site.start();
    site.setFile('/index.html', '<html><body><a href="/busy.txt">busy</a></body></html>', 'text/html');
    site.on('/busy.txt', (_req, res) => { res.writeHead(503, { 'retry-after': '100' }).end('later'); });
    try {
      const dir = tempDir();
      const r = await crawl(join(dir, 'z.sqlite'), join(dir, 'f'), `${site.origin}/index.html`, '--deadline', '3');
      expect(r.code).toBe(1);
      expect(rows(join(dir, 'z.sqlite'), 'SELECT status, error FROM sources')).toEqual([
        { status: 'failed', error: 'HTTP 503; run deadline reached before the retry' },
      ]);
      expect(site.requests.filter((q) => q.path === '/busy.txt')).toHaveLength(1);
    } finally {
      await site.stop();
    }
  }, 120_000);
});

describe('robots.txt (RFC 9309)', () => {
  const rfc = `User-Agent: *
Disallow: *.gif$
Disallow: /example/
Allow: /publications/

User-Agent: foobot
Disallow:/
Allow:/example/page.html
Allow:/example/allowed.gif

User-Agent: barbot
User-Agent: bazbot
Disallow: /example/page.html

User-Agent: quxbot

EOF`;

  it.each([
    ['foobot', '/example/page.html', true], ['foobot', '/example/allowed.gif', true], ['foobot', '/other', false],
    ['barbot', '/example/page.html', false], ['bazbot', '/example/page.html', false], ['barbot', '/example/page.htm', true],
    ['quxbot', '/example/page.html', true], ['quxbot', '/a.gif', true],
    ['zipin', '/a/b.gif', false], ['zipin', '/a/b.gifs', true], ['zipin', '/example/x', false], ['zipin', '/publications/x', true],
  ])('the RFC\'s example file: %s on %s → %s', (agent, path, allowed) => {
    expect(parseRobots(rfc, agent).allows(path)).toBe(allowed);
  });

  it('longest match wins, Allow wins a tie, $ anchors the end, /robots.txt is always allowed', () => {
    const r = parseRobots('User-agent: *\nDisallow: /a\nAllow: /a/b\nDisallow: /a/b/c\nAllow: /x\nDisallow: /x\nDisallow: /*.php$\nDisallow: /robots.txt\n', 'zipin');
    expect(['/a', '/a/b', '/a/b/c', '/x', '/y.php', '/y.php?q=1', '/robots.txt'].map((p) => r.allows(p))).toEqual([false, true, false, true, false, true, true]);
  });

  it('merges every group for the same agent, and matches the product token exactly, whatever its case', () => {
    const text = 'User-agent: *\nDisallow: /one\n\nUser-agent: z\nDisallow: /\n\nUser-agent: *\nDisallow: /two\n\nUser-agent: ZIPIN/2.0\nDisallow: /three\n\nUser-agent: zipin\nDisallow: /four\n';
    const zipin = parseRobots(text, 'zipin');
    expect(['/one', '/two', '/three', '/four', '/five'].map((p) => zipin.allows(p))).toEqual([true, true, false, false, true]);
    const other = parseRobots(text, 'otherbot');
    expect(['/one', '/two', '/three'].map((p) => other.allows(p))).toEqual([false, false, true]);
    expect(parseRobots('User-agent: zip\nDisallow: /\n', 'zipin').allows('/x')).toBe(true); // a prefix is another product
  });

  it('matches a pattern made to backtrack in linear time, not forever', () => {
    const pattern = `/${'*a'.repeat(25)}b`;
    const r = parseRobots(`User-agent: *\nDisallow: ${pattern}\n`, 'zipin');
    expect(r.allows(`/${'a'.repeat(60)}`)).toBe(true);
    expect(r.allows(`/${'a'.repeat(60)}b`)).toBe(false);
    expect(matches('/*a*a*a$', '/xaxaxa')).toBe(true);
    expect(matches('/*a*a*a$', '/xaxaxab')).toBe(false);
  }, 10_000);
});

describe('crawler pieces', () => {
  it('reads robots.txt groups and the longest matching rule', () => {
    const robots = parseRobots('User-agent: zipin\nDisallow: /a/\nAllow: /a/public/\n\nUser-agent: *\nDisallow: /\n', 'zipin/0.1.0');
    expect([robots.allows('/a/x.pdf'), robots.allows('/a/public/x.pdf'), robots.allows('/b')]).toEqual([false, true, true]);
    expect(parseRobots('User-agent: *\nDisallow: /\n', 'zipin').allows('/x')).toBe(false);
    expect(parseRobots('', 'zipin').allows('/x')).toBe(true);
  });

  it('finds links with a real HTML parser, relative to <base>', () => {
    const links = readPage('<html><head><base href="http://h.test/root/"></head><body><a href="a.pdf">A</a><a href="#top">x</a><a href="mailto:x@y">m</a><A HREF="/B.XLSX">B</A></body></html>', new URL('http://h.test/p.html')).anchors;
    expect(links.map((l) => [canonical(l.url).href, l.text, linkKind(l.url)])).toEqual([
      ['http://h.test/root/a.pdf', 'A', 'pdf'], ['http://h.test/root/', 'x', 'page'], ['http://h.test/B.XLSX', 'B', 'spreadsheet'],
    ]);
  });

  it('knows private and loopback addresses', () => {
    expect(['127.0.0.2', '10.1.2.3', '192.168.1.1', '172.20.0.1', '169.254.1.1', '::1', 'fd00::1', '::ffff:10.0.0.1',
      '::ffff:7f00:1', '0:0:0:0:0:ffff:7f00:1', '::ffff:a9fe:a9fe', '0.0.0.0', '::', '224.0.0.1', 'fe80::1'].every(isPrivateAddress)).toBe(true);
    expect(['8.8.8.8', '2001:4860::8888', '100.63.0.1'].some(isPrivateAddress)).toBe(false);
  });
});
