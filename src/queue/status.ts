import type { Reader } from '../store/reader.js';
import { ATTACHMENTS, QUEUE_SCHEMA } from './jobs.js';

/** The queue as `zipin status` shows it; null where the dataset has none (SQLite, or no crawl has enqueued yet). */
export interface QueueStatus {
  queued: number;
  /** Of the queued, those waiting for their retry's time. */
  retrying: number;
  running: number;
  done: number;
  failed: number;
  /** Jobs done in the last 10 minutes and the last hour, and when the last one was done. */
  doneLast10Minutes: number;
  doneLastHour: number;
  lastDone: string | null;
  /** What the jobs done in the last hour came to (new, changed, unchanged, failed, …). */
  outcomesLastHour: Record<string, number>;
  runningJobs: Array<{ url: string; since: string; attempt: number }>;
  failedJobs: Array<{ url: string; reason: string; at: string }>;
}

export interface DatasetStatus {
  documents: Record<string, number>;
  evaluations: number;
  forms: number;
  sources: Record<string, number>;
  runs: Array<{ id: number; command: string; startedAt: string; finishedAt: string | null; counts: RunCounts }>;
  queue: QueueStatus | null;
}

/** What a run did: documents read (ok, failed), unchanged ones passed over, evaluations written; a crawl's sources (new, changed, failed). */
export interface RunCounts {
  documents: number;
  ok: number;
  failed: number;
  unchanged: number;
  evaluations: number;
  sources: number;
  sourcesNew: number;
  sourcesChanged: number;
  sourcesFailed: number;
}

const LISTED = 10;
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));

async function byKey(db: Reader, sql: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const r of await db.all(sql)) out[String(r.key)] = Number(r.n);
  return out;
}

/** The dataset's contents and recent runs, and its queue where it has one. */
export async function datasetStatus(db: Reader, postgres: boolean): Promise<DatasetStatus> {
  const [documents, sources, counts, runs] = await Promise.all([
    byKey(db, 'SELECT status AS key, count(*) AS n FROM documents WHERE current = 1 GROUP BY status ORDER BY status'),
    byKey(db, 'SELECT status AS key, count(*) AS n FROM sources GROUP BY status ORDER BY status'),
    db.all('SELECT (SELECT count(*) FROM evaluations WHERE counted = 1) AS evaluations, (SELECT count(*) FROM forms) AS forms'),
    db.all(`SELECT id, command, started_at AS "startedAt", finished_at AS "finishedAt", documents_seen, documents_ok, documents_failed, documents_unchanged,
      evaluations_written, sources_seen, sources_new, sources_changed, sources_failed FROM runs ORDER BY id DESC LIMIT ${LISTED}`),
  ]);
  return {
    documents, sources, evaluations: Number(counts[0]!.evaluations), forms: Number(counts[0]!.forms),
    runs: runs.map((r) => ({
      id: Number(r.id), command: String(r.command), startedAt: String(r.startedAt), finishedAt: r.finishedAt === null ? null : String(r.finishedAt),
      counts: {
        documents: Number(r.documents_seen), ok: Number(r.documents_ok), failed: Number(r.documents_failed), unchanged: Number(r.documents_unchanged),
        evaluations: Number(r.evaluations_written), sources: Number(r.sources_seen), sourcesNew: Number(r.sources_new), sourcesChanged: Number(r.sources_changed),
        sourcesFailed: Number(r.sources_failed),
      },
    })),
    queue: postgres ? await queueStatus(db) : null,
  };
}

/** Read from pg-boss's own tables (the version zipin pins), the archived jobs included. */
async function queueStatus(db: Reader): Promise<QueueStatus | null> {
  const exists = await db.all(`SELECT to_regclass('${QUEUE_SCHEMA}.job') IS NOT NULL AS ok`);
  if (exists[0]!.ok !== true) return null;
  const jobs = `(SELECT state::text AS state, data, output, started_on, completed_on, retry_count FROM ${QUEUE_SCHEMA}.job WHERE name = '${ATTACHMENTS}'
    UNION ALL SELECT state::text, data, output, started_on, completed_on, retry_count FROM ${QUEUE_SCHEMA}.archive WHERE name = '${ATTACHMENTS}') j`;
  const [states, recent, outcomes, running, failed] = await Promise.all([
    byKey(db, `SELECT state AS key, count(*) AS n FROM ${jobs} GROUP BY state`),
    db.all(`SELECT count(*) FILTER (WHERE completed_on > now() - interval '10 minutes') AS m10,
      count(*) FILTER (WHERE completed_on > now() - interval '1 hour') AS h1, max(completed_on) AS last FROM ${jobs} WHERE state = 'completed'`),
    byKey(db, `SELECT coalesce(output->>'outcome', '?') AS key, count(*) AS n FROM ${jobs}
      WHERE state = 'completed' AND completed_on > now() - interval '1 hour' GROUP BY 1 ORDER BY 1`),
    db.all(`SELECT data->>'url' AS url, started_on, retry_count FROM ${jobs} WHERE state = 'active' ORDER BY started_on LIMIT ${LISTED}`),
    db.all(`SELECT data->>'url' AS url, coalesce(output->>'message', output->'value'->>'message', '') AS reason, completed_on FROM ${jobs}
      WHERE state = 'failed' ORDER BY completed_on DESC LIMIT ${LISTED}`),
  ]);
  const n = (state: string) => states[state] ?? 0;
  return {
    queued: n('created') + n('retry'), retrying: n('retry'), running: n('active'), done: n('completed'), failed: n('failed'),
    doneLast10Minutes: Number(recent[0]!.m10), doneLastHour: Number(recent[0]!.h1), lastDone: recent[0]!.last === null ? null : iso(recent[0]!.last),
    outcomesLastHour: outcomes,
    runningJobs: running.map((r) => ({ url: String(r.url), since: iso(r.started_on), attempt: Number(r.retry_count) + 1 })),
    failedJobs: failed.map((r) => ({ url: String(r.url), reason: String(r.reason), at: iso(r.completed_on) })),
  };
}
