import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDataset } from '../src/store/open.js';

/**
 * A throw-away PostgreSQL cluster for the tests: Debian's `postgresql` binaries, a data folder
 * in a temp dir owned by a non-root user (PostgreSQL refuses to run as root: tests run as root
 * start it as `postgres`, or `nobody`), listening on loopback only, fsync off. Where no server
 * can be started (no binaries, no user to run it as) the reason is given, and the tests that
 * need it are skipped saying so.
 */
export interface Postgres {
  /** A new, empty database on the cluster, as a connection URL. */
  database(name: string): Promise<string>;
  /** The cluster's own URL (its maintenance database). */
  url: string;
  stop(): void;
}

/** The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/<version>/bin), else the PATH's. */
function binDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return join(root, versions[0]!, 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  return which.status === 0 ? join(which.stdout.trim(), '..') : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** A user to run the server as when this process is root. */
function serverUser(): { name: string; uid: number; gid: number } | null {
  for (const name of ['postgres', 'nobody']) {
    const id = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (id.status === 0 && gid.status === 0) return { name, uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  return null;
}

/** Start a cluster, or say why none can start. */
export async function startPostgres(): Promise<Postgres | { skipped: string }> {
  const bin = binDir();
  if (bin === null) return { skipped: 'no PostgreSQL server installed (Debian: apt-get install postgresql)' };
  const root = process.getuid?.() === 0;
  const user = root ? serverUser() : null;
  if (root && user === null) return { skipped: 'running as root, and no postgres or nobody user to run the server as' };
  const dir = mkdtempSync(join(tmpdir(), 'zipin-pg-'));
  const data = join(dir, 'data');
  const as = (command: string, args: string[]) => (user === null ? [join(bin, command), ...args] : ['runuser', '-u', user.name, '--', join(bin, command), ...args]);
  const run = (command: string, args: string[]) => {
    const [file, ...rest] = as(command, args);
    execFileSync(file!, rest, { stdio: 'pipe', cwd: dir });
  };
  try {
    if (user !== null) {
      chownSync(dir, user.uid, user.gid);
      chmodSync(dir, 0o700);
    }
    run('initdb', ['-D', data, '-A', 'trust', '-U', 'zipin', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const port = await freePort();
    run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o',
      `-h 127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`, 'start']);
    const url = `postgres://zipin@127.0.0.1:${port}/postgres`;
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch { /* already gone */ }
      rmSync(dir, { recursive: true, force: true });
    };
    process.once('exit', stop);
    return {
      url,
      stop,
      async database(name: string) {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(`CREATE DATABASE ${name}`);
        } finally {
          await client.end();
        }
        return `postgres://zipin@127.0.0.1:${port}/${name}`;
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const e = error as { stderr?: Buffer; message: string };
    return { skipped: `the PostgreSQL server would not start: ${(e.stderr?.toString() || e.message).split('\n')[0]}` };
  }
}

/** Every table's rows, ids and times left out, in a stable order (what a dump compares). */
export const TABLES: Record<string, string> = {
  documents: 'SELECT sha256, source, format, pages, pipeline_version, status, error, url, current FROM documents ORDER BY sha256, source',
  evaluations: `SELECT d.sha256, e.block_index, e.title, e.project_name, e.project_code, e.project_amount_yuan, e.supervising_dept, e.implementing_unit,
    e.budget_unit, e.year, e.money_unit, e.money_unit_source, e.money_unit_confidence, e.goal_expected, e.goal_actual, e.total_weight, e.total_score,
    e.total_score_raw, e.page_start, e.page_end, e.line_start, e.line_end, e.confidence, e.counted, f.identity
    FROM evaluations e JOIN documents d ON d.id = e.document_id LEFT JOIN forms f ON f.id = e.form_id ORDER BY d.sha256, e.block_index`,
  funding: `SELECT d.sha256, e.block_index, x.line, x.initial_yuan, x.full_year_yuan, x.executed_yuan, x.weight, x.rate, x.rate_raw, x.score
    FROM funding x JOIN evaluations e ON e.id = x.evaluation_id JOIN documents d ON d.id = e.document_id ORDER BY d.sha256, e.block_index, x.line`,
  indicators: `SELECT d.sha256, e.block_index, i.seq, i.level1, i.level1_points, i.level1_code, i.level2, i.level2_code, i.name, i.target, i.target_op,
    i.target_value, i.target_unit, i.actual, i.actual_op, i.actual_value, i.actual_unit, i.weight, i.score, i.deviation, i.line, i.page
    FROM indicators i JOIN evaluations e ON e.id = i.evaluation_id JOIN documents d ON d.id = e.document_id ORDER BY d.sha256, e.block_index, i.seq`,
  flags: `SELECT d.sha256, e.block_index, f.indicator_seq, f.code, f.severity, f.message FROM flags f JOIN evaluations e ON e.id = f.evaluation_id
    JOIN documents d ON d.id = e.document_id ORDER BY d.sha256, e.block_index, f.code, f.indicator_seq, f.message`,
  forms: 'SELECT identity, series, code, year, copies, disagreement FROM forms ORDER BY identity',
  judgements: `SELECT d.sha256, e.block_index, j.seq, j.judgement, j.why, j.full_marks FROM judgements j JOIN evaluations e ON e.id = j.evaluation_id
    JOIN documents d ON d.id = e.document_id ORDER BY d.sha256, e.block_index, j.seq`,
  sources: `SELECT s.url, s.kind, s.found_on, s.etag, s.last_modified, s.sha256, s.bytes, s.http_status, s.content_type, s.status, s.error,
    s.file_name, s.records_sha256, d.sha256 AS document FROM sources s LEFT JOIN documents d ON d.id = s.document_id ORDER BY s.url`,
  // Not found_on: a page linked from several pages fetched at once is found first by whichever answered first.
  pages: 'SELECT url, http_status, status, error, CASE WHEN full_walk_at IS NULL THEN 0 ELSE 1 END AS full FROM pages ORDER BY url',
  projects: 'SELECT series, year, department, project_name, budget_yuan, executed_yuan, execution_rate, total_score, copies FROM projects ORDER BY series, year IS NULL, year',
};

export async function dump(target: string): Promise<Record<string, unknown[]>> {
  const dataset = await openDataset(target);
  try {
    const out: Record<string, unknown[]> = {};
    for (const [name, sql] of Object.entries(TABLES)) out[name] = await dataset.all(sql);
    return out;
  } finally {
    await dataset.close();
  }
}
