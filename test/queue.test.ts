import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, corpusFile, DOCS, FIXTURES, tempDir, zipinAsync } from './helpers.js';
import { dump, startPostgres, TABLES, type Postgres } from './postgres.js';
import { Site } from './site.js';
import { CMS_ATTACHMENTS, cmsSite } from './sites/cms.js';

/**
 * The queue on PostgreSQL: crawls enqueue, workers on one database (processes of their own, as
 * on many machines) fetch, read and store; one killed with SIGKILL mid-job, a connection cut in
 * the middle of a document's transaction, two crawls enqueuing the same listing at once.
 */
const server = await startPostgres();
const skipped = 'skipped' in server ? server.skipped : null;
if (skipped !== null) console.warn(`PostgreSQL queue tests skipped: ${skipped}`);

/** Held: the first request for it is left hanging (a worker is killed while it waits); later ones are served. */
const HELD = '/files/0-held.txt';

/** A disclosure site: the corpus, copies of 003 as .xlsx and .pdf, a scan, a Word 97 form, an archive zipin cannot read, a dead link. */
async function disclosureSite(): Promise<Site & { hold: boolean; held: Promise<void> }> {
  const site = new Site('127.0.0.1') as Site & { hold: boolean; held: Promise<void> };
  await site.start();
  site.hold = false;
  let arrived = () => {};
  site.held = new Promise((resolve) => { arrived = resolve; });
  const links = [HELD, ...Object.values(DOCS).map((name) => `/files/${name}`), '/docs/003.xlsx', '/docs/003.pdf', '/docs/scan.png', '/docs/form.doc',
    '/docs/forms.rar', '/files/missing.txt'];
  site.setFile('/list/index.html', `<html><body><ul>${links.map((l) => `<li><a href="${l}">自评表</a></li>`).join('')}</ul></body></html>`, 'text/html; charset=utf-8');
  for (const name of Object.values(DOCS)) site.setFile(`/files/${name}`, readFileSync(corpusFile(name)), 'text/plain; charset=utf-8');
  site.setFile('/docs/003.xlsx', readFileSync(join(FIXTURES, '003_e7112b8e4e2d84a4.xlsx')), 'application/vnd.ms-excel');
  site.setFile('/docs/003.pdf', readFileSync(join(FIXTURES, '003_e7112b8e4e2d84a4.calc.pdf')), 'application/pdf');
  site.setFile('/docs/scan.png', readFileSync(join(FIXTURES, 'other-issuer.scan.png')), 'image/png');
  site.setFile('/docs/form.doc', readFileSync(join(FIXTURES, 'region-sichuan.doc')), 'application/msword');
  site.setFile('/docs/forms.rar', Buffer.from('Rar!\x1a\x07\x00', 'latin1'), 'application/x-rar-compressed');
  const county = readFileSync(join(FIXTURES, 'county.txt'));
  site.on(HELD, (_req, res) => {
    if (site.hold) {
      site.hold = false;
      arrived();
      return; // never answered: the worker holding it is killed
    }
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', etag: '"held"' }).end(county);
  });
  return site;
}

/** A TCP proxy in front of PostgreSQL that cuts the first connection sending `INSERT INTO evaluations`, once. */
class CuttingProxy {
  private server: Server | null = null;
  cuts = 0;
  port = 0;

  constructor(private readonly upstreamPort: number) {}

  async start(): Promise<void> {
    const marker = Buffer.from('INSERT INTO evaluations');
    this.server = createServer((client: Socket) => {
      const upstream = connect(this.upstreamPort, '127.0.0.1');
      const cut = () => { client.destroy(); upstream.destroy(); };
      client.on('data', (chunk: Buffer) => {
        if (this.cuts === 0 && chunk.includes(marker)) {
          this.cuts++;
          cut();
          return;
        }
        upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => client.write(chunk));
      client.on('error', cut);
      upstream.on('error', cut);
      client.on('close', cut);
      upstream.on('close', cut);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as { port: number }).port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** Settings every queued crawl here uses: the site is on loopback, jobs time out and retry fast. */
const QUEUE_ARGS = ['--allow-private', '--delay', '0', '--job-timeout', '6', '--job-retries', '2', '--job-retry-delay', '1'];

async function jobsOf(url: string): Promise<Array<{ key: string; state: string; retries: number }>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query(`SELECT singleton_key AS key, state::text AS state, retry_count AS retries FROM zipin_queue.job
      WHERE name = 'attachments' ORDER BY singleton_key, created_on`);
    return r.rows as Array<{ key: string; state: string; retries: number }>;
  } finally {
    await client.end();
  }
}

describe.skipIf(skipped !== null)(`the queue on PostgreSQL${skipped === null ? '' : ` (skipped: ${skipped})`}`, () => {
  const pgServer = server as Postgres;
  let site: Awaited<ReturnType<typeof disclosureSite>>;
  let seed: string;
  beforeAll(async () => {
    site = await disclosureSite();
    seed = `${site.origin}/list/index.html`;
  });
  afterAll(async () => {
    await site?.stop();
    pgServer.stop();
  });

  it('refuses to queue or work on an SQLite dataset, saying why', async () => {
    const db = join(tempDir(), 'zipin.sqlite');
    const crawl = await zipinAsync(['crawl', seed, '--db', db, '--enqueue']);
    expect(crawl.code).toBe(2);
    expect(crawl.stderr).toContain('--enqueue needs a PostgreSQL dataset');
    const worker = await zipinAsync(['worker', '--db', db, '--once']);
    expect(worker.code).toBe(2);
    expect(worker.stderr).toContain('worker needs a PostgreSQL dataset');
  });

  it('three workers, one killed mid-job, store what one crawl into SQLite stores; a second round is all unchanged', async () => {
    const dir = tempDir();
    const file = join(dir, 'zipin.sqlite');
    const local = await zipinAsync(['crawl', seed, '--db', file, '--files', join(dir, 'files'), '--allow-private', '--delay', '0', '--concurrency', '2']);
    expect(local.stderr).not.toContain('worker:');
    const url = await pgServer.database('workers');

    const enqueued = await zipinAsync(['crawl', seed, '--db', url, '--enqueue', '--json', ...QUEUE_ARGS]);
    expect(enqueued.code, enqueued.stderr).toBe(0);
    expect(JSON.parse(enqueued.stdout)).toMatchObject({ pages: 1, attachments: 12, queued: 12, alreadyQueued: 0 });

    // The first worker takes the first job (the held URL, first by URL) and is killed while it waits for it.
    site.hold = true;
    const first = spawn(process.execPath, [CLI, 'worker', '--db', url, '--files', join(dir, 'w1'), '--concurrency', '1'], { stdio: 'ignore' });
    await site.held;
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));

    const both = await Promise.all(['w2', 'w3'].map((w) => zipinAsync(['worker', '--db', url, '--files', join(dir, w), '--concurrency', '1', '--once', '--json'])));
    const [sa, sb] = both.map((r) => JSON.parse(r.stdout));
    // A worker exits 1 when an attachment failed anew: the one that met the dead link.
    for (const r of both) expect(r.code, r.stderr).toBe(JSON.parse(r.stdout).failed > 0 ? 1 : 0);
    // Jobs are taken in the order they were queued (by URL): the killed worker did the five /docs/ links
    // before the held one; these two did the other six, and the held job once its timeout had passed.
    expect(sa.jobs + sb.jobs).toBe(7);
    expect(sa.sources + sb.sources).toBe(7);
    const [mine, theirs] = [await dump(file), await dump(url)];
    for (const name of Object.keys(TABLES)) expect(theirs[name], name).toEqual(mine[name]);
    const jobs = await jobsOf(url);
    expect(jobs.map((j) => j.state)).toEqual(Array(12).fill('completed'));
    expect(jobs.find((j) => j.key.endsWith(HELD))!.retries).toBe(1);

    // Again: every attachment is unchanged (conditional requests), nothing is written twice.
    const again = await zipinAsync(['crawl', seed, '--db', url, '--enqueue', '--json', ...QUEUE_ARGS]);
    expect(JSON.parse(again.stdout)).toMatchObject({ queued: 12 });
    const round = await zipinAsync(['worker', '--db', url, '--files', join(dir, 'w2'), '--once', '--json']);
    expect(JSON.parse(round.stdout)).toMatchObject({ jobs: 12, new: 0, changed: 0, unchanged: 10 });
    expect((await dump(url)).evaluations).toEqual(mine.evaluations);

    const status = await zipinAsync(['status', '--db', url]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/queue: queued 0 \(waiting to retry 0\), running 0, done 24, failed 0/);
    expect(status.stdout).toMatch(/throughput: 24 done in the last 10 minutes/);
    // Each run with what it did: the last worker round found everything unchanged.
    expect(status.stdout).toMatch(/^ {2}6 .* worker .*\n {6}documents \d+ \(ok 0, failed \d+\), evaluations written 0; sources 12 \(new 0, changed 0, failed \d+\)$/m);
  }, 240_000);

  it('on a CMS-built site (scripted pagers, POSTed data calls, downloads named by their answer) the queue finds what a plain crawl finds', async () => {
    const cms = await cmsSite();
    try {
      const dir = tempDir();
      const file = join(dir, 'zipin.sqlite');
      const home = `${cms.origin}/zwgk/index.html`;
      await zipinAsync(['crawl', home, '--db', file, '--files', join(dir, 'files'), '--allow-private', '--delay', '0']);
      const url = await pgServer.database('cms');
      const enqueued = await zipinAsync(['crawl', home, '--db', url, '--enqueue', '--json', ...QUEUE_ARGS]);
      // 18 forms' attachments and the dead attachment link; the dead navigation link is a failed page (exit 1 the first night).
      expect(JSON.parse(enqueued.stdout)).toMatchObject({ attachments: Object.keys(CMS_ATTACHMENTS).length + 1, pagesFailed: 1 });
      const worked = await zipinAsync(['worker', '--db', url, '--files', join(dir, 'w'), '--concurrency', '2', '--once', '--json']);
      expect(JSON.parse(worked.stdout)).toMatchObject({ new: 18, unsupported: 0, failed: 1 });
      // The page with a view counter has other bytes each time it is fetched: its hash stands masked, rows compared as sets.
      const masked = (d: Record<string, unknown[]>) => {
        const counter = (d.sources as Array<{ url: string; sha256: string }>).find((x) => x.url.endsWith('/t20230818_3.html'))!.sha256;
        return Object.fromEntries(Object.entries(d).map(([name, rows]) => [name, rows.map((r) => JSON.stringify(r).replaceAll(counter, '(view counter page)')).sort()]));
      };
      const [mine, theirs] = [masked(await dump(file)), masked(await dump(url))];
      for (const name of Object.keys(TABLES)) expect(theirs[name], name).toEqual(mine[name]);
      expect(theirs.evaluations).toHaveLength(Object.values(CMS_ATTACHMENTS).reduce((n, a) => n + a.blocks, 0));
      // The next night, queued: the listings stop at their first page, nothing is new.
      const again = await zipinAsync(['crawl', home, '--db', url, '--enqueue', '--json', ...QUEUE_ARGS]);
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ stopped: 5, pagesFailed: 1, pagesStillFailing: 1 });
      const round = await zipinAsync(['worker', '--db', url, '--files', join(dir, 'w'), '--once', '--json']);
      expect(JSON.parse(round.stdout)).toMatchObject({ new: 0, changed: 0 });
    } finally {
      await cms.stop();
    }
  }, 240_000);

  it('two crawls enqueuing the same listing at once make one job per attachment', async () => {
    const url = await pgServer.database('together');
    const runs = await Promise.all([1, 2].map(() => zipinAsync(['crawl', seed, '--db', url, '--enqueue', '--json', ...QUEUE_ARGS])));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const [x, y] = runs.map((r) => JSON.parse(r.stdout));
    expect(x.attachments).toBe(12);
    expect(x.queued + y.queued).toBe(12);
    expect(x.alreadyQueued + y.alreadyQueued).toBe(12);
    const jobs = await jobsOf(url);
    expect(jobs).toHaveLength(12);
    expect(new Set(jobs.map((j) => j.key)).size).toBe(12);
    const status = await zipinAsync(['status', '--db', url, '--json']);
    expect(JSON.parse(status.stdout).queue).toMatchObject({ queued: 12, running: 0, done: 0, failed: 0 });
  }, 60_000);

  /** One attachment queued on a new database, and a worker reaching it through a proxy that cuts its first document write. */
  async function cutMidDocument(name: string, retries: string) {
    const url = await pgServer.database(name);
    const listing = `${site.origin}/one/index.html`;
    site.setFile('/one/index.html', `<html><body><a href="/files/${DOCS.guihua}">自评表</a></body></html>`, 'text/html');
    const queued = await zipinAsync(['crawl', listing, '--db', url, '--enqueue', '--json', ...QUEUE_ARGS, '--job-retries', retries]);
    expect(JSON.parse(queued.stdout)).toMatchObject({ queued: 1 });
    const proxy = new CuttingProxy(Number(new URL(url).port));
    await proxy.start();
    const through = Object.assign(new URL(url), { port: String(proxy.port) }).href;
    const worker = await zipinAsync(['worker', '--db', through, '--files', join(tempDir(), 'files'), '--once', '--json']);
    await proxy.stop();
    expect(proxy.cuts).toBe(1);
    expect(worker.stdout, worker.stderr).not.toBe("");
    return { url, worker, summary: JSON.parse(worker.stdout) };
  }

  it('a connection cut in the middle of a document leaves nothing of it, and the job is tried again', async () => {
    const { url, summary } = await cutMidDocument('cut', '2');
    expect(summary).toMatchObject({ jobs: 2, retried: 1, new: 1, failed: 0, evaluations: 8 });
    const d = await dump(url);
    expect(d.documents).toHaveLength(1);
    expect(d.evaluations).toHaveLength(8); // 003 holds eight forms, each written once
    expect(d.sources).toMatchObject([{ status: 'new', error: null }]);
    expect((await jobsOf(url)).map((j) => [j.state, j.retries])).toEqual([['completed', 1]]);
  }, 60_000);

  it('a job that keeps failing ends as a failure row with its reason, nothing half-stored', async () => {
    const { url, worker, summary } = await cutMidDocument('cutonce', '0');
    expect(worker.code).toBe(1);
    expect(summary).toMatchObject({ jobs: 1, retried: 0, new: 0, failed: 1, evaluations: 0 });
    const d = await dump(url);
    expect(d.documents).toEqual([]);
    expect(d.evaluations).toEqual([]);
    expect(d.sources).toMatchObject([{ status: 'failed', error: expect.stringMatching(/^worker: Connection terminated/) }]);
    expect((await jobsOf(url)).map((j) => j.state)).toEqual(['failed']);
    const status = await zipinAsync(['status', '--db', url]);
    expect(status.stdout).toContain(`failed: ${site.origin}/files/${DOCS.guihua} at `);
    expect(status.stdout).toMatch(/: worker: Connection terminated/);
  }, 60_000);
});
