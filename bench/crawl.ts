/**
 * `npm run bench` (crawl): the CMS-built fixture site (test/sites/cms.ts: TRS WCM, Hanweb JCMS and
 * gkmlpt listings, scripted pagers and links, downloads named only by their answer) crawled by
 * this version and by an earlier one side by side — a first night and a second, quiet one: the
 * attachments and forms each finds, the requests it makes, its time.
 *
 *   npm run bench                      # beside 907fc7d (before the CMS families)
 *   ZIPIN_BENCH_BASE=<rev> node dist/bench/crawl.js
 *
 * The earlier version is built in a git worktree (bench/earlier.ts); without git it is left out,
 * saying why.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PACKAGE_ROOT } from '../src/version.js';
import { CMS_ATTACHMENTS, cmsSite } from '../test/sites/cms.js';
import { BASE, earlierBuild } from './earlier.js';

interface Night {
  seconds: number;
  requests: number;
  sources: number;
  evaluations: number;
  code: number | null;
}

/** One crawl by the CLI at `cli` into `db`, the site counting the requests that reach it. */
async function night(cli: string, seed: string, db: string, requests: () => number): Promise<Night> {
  const before = requests();
  const start = process.hrtime.bigint();
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [cli, 'crawl', seed, '--db', db, '--files', `${db}.files`, '--allow-private', '--delay', '0', '--quiet'], { stdio: 'ignore' });
    child.on('exit', resolve);
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const d = new Database(db, { readonly: true });
  const count = (sql: string) => (d.prepare(sql).get() as { n: number }).n;
  const result = {
    seconds, requests: requests() - before, code,
    sources: count("SELECT count(*) AS n FROM sources WHERE status NOT IN ('failed', 'unsupported')"), evaluations: count('SELECT count(*) AS n FROM evaluations'),
  };
  d.close();
  return result;
}

async function main(): Promise<void> {
  const site = await cmsSite();
  const seed = `${site.origin}/zwgk/index.html`;
  const requests = () => site.requests.length;
  const work = mkdtempSync(join(tmpdir(), 'zipin-bench-crawl-'));
  const earlier = earlierBuild(join(work, 'earlier'));
  const forms = Object.values(CMS_ATTACHMENTS).reduce((n, a) => n + a.blocks, 0);
  try {
    const versions: Array<[string, string | { missing: string }]> = [
      [`earlier (${BASE})`, 'root' in earlier ? join(earlier.root, 'dist', 'src', 'cli', 'main.js') : earlier],
      ['this version', join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'main.js')],
    ];
    console.log(`\ncrawl of the CMS-built fixture site (${Object.keys(CMS_ATTACHMENTS).length} attachments holding ${forms} evaluations), two nights each`);
    console.log('| version | night | attachments read | evaluations | requests | seconds | exit |');
    console.log('|---|---|---|---|---|---|---|');
    for (const [name, cli] of versions) {
      if (typeof cli !== 'string') {
        console.log(`| ${name} | — | not measured: ${cli.missing} | | | | |`);
        continue;
      }
      const db = join(work, `${name.replace(/\W+/g, '-')}.sqlite`);
      for (const n of ['first', 'second']) {
        const r = await night(cli, seed, db, requests);
        console.log(`| ${name} | ${n} | ${r.sources} of ${Object.keys(CMS_ATTACHMENTS).length} | ${r.evaluations} of ${forms} | ${r.requests} | ${r.seconds.toFixed(2)} | ${r.code} |`);
      }
    }
  } finally {
    await site.stop();
    if ('forget' in earlier) earlier.forget();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
