import type { CrawlEvent } from '../crawl/fetcher.js';
import { DEFAULT_LIMITS } from '../pipeline/pool.js';
import { isPostgresUrl } from '../store/target.js';
import { openDataset } from '../store/open.js';
import { MIN_MEMORY_MB, noArguments, oneOf, positiveInt, timeoutMs, UsageError, workerCount } from './args.js';
import { datasetOf, DB_OPTION, OUTPUT_OPTIONS, shownDataset, WORKER_OPTIONS } from './options.js';
import { ProgressBar } from './progress.js';
import type { CommandSpec, Parsed } from './spec.js';
import { fileLine } from './terminal.js';

export const WORKER: CommandSpec = {
  name: 'worker',
  args: '',
  summary: 'Take queued attachments off a PostgreSQL dataset\'s queue: fetch, read (OCR too), store. Any number, on any machine.',
  description: `Jobs come from "zipin crawl --enqueue"; each is done as that crawl would have done it (its hosts,
limits and User-Agent; robots.txt; the stored ETag), its documents stored in one transaction. A job that
failed for a passing reason (5xx, 429, network, a lost database connection) goes back to the queue and is
tried again after a backoff; one whose worker died is taken over once its --job-timeout has passed; on its
last try a failure is recorded in sources with its reason. Without --once the worker waits for jobs until
it is stopped (SIGINT or SIGTERM: the jobs it holds are finished first). Exit 0 when it stopped with no
job failing for good, 1 otherwise, 2 on usage errors.`,
  options: [
    { ...DB_OPTION, value: 'URL', default: '$ZIPIN_DB', help: 'the PostgreSQL dataset whose queue to work on (postgres://user@host/db): required, an SQLite file has no queue' },
    { name: 'files', value: 'DIR', default: 'out/files', help: 'where downloads are kept on this machine, named by their sha256' },
    ...WORKER_OPTIONS.filter((o) => o.name !== 'wait').map((o) => (o.name === 'concurrency' ? { ...o, help: 'jobs worked on at once, each read in a process of its own (at most one per core)' } : o)),
    { name: 'once', help: 'drain the queue (nothing queued, retrying or running anywhere) and exit: for cron and tests' },
    { name: 'log', value: 'text|json', default: 'text', help: 'events on standard error as lines, or one JSON object each' },
    ...OUTPUT_OPTIONS,
  ],
  examples: ['zipin worker --db postgres://zipin@db.example.org/zipin --once   # drain the queue, then exit'],
};

export async function workerCommand({ values, positionals, args }: Parsed): Promise<number> {
  noArguments('worker', positionals);
  const db = datasetOf(values);
  if (!isPostgresUrl(db)) throw new UsageError('worker needs a PostgreSQL dataset (--db postgres://… or $ZIPIN_DB): its queue lives there');
  const flags = values as Record<string, boolean | undefined>;
  const logFormat = oneOf(values.log as string | undefined, 'log', ['text', 'json'] as const, 'text');
  const concurrency = workerCount(values.concurrency as string | undefined);
  const limits = {
    timeoutMs: timeoutMs(values.timeout as string | undefined, DEFAULT_LIMITS.timeoutMs / 1000),
    memoryMb: positiveInt(values['max-memory'] as string | undefined, 'max-memory', DEFAULT_LIMITS.memoryMb, MIN_MEMORY_MB),
  };
  // Per job: its URL's lock, its bytes' lock and its transaction; and one to spare for the run's own rows.
  const store = await openDataset(db, { connections: 3 * concurrency + 1 });
  const [{ openQueue }, { work }] = await Promise.all([import('../queue/queue.js'), import('../queue/worker.js')]);
  const queue = await openQueue(db, 3, true);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const progress = new ProgressBar();
  const seen = { done: 0, failed: 0 };
  const log = (e: CrawlEvent) => {
    if (e.event === 'new' || e.event === 'changed' || e.event === 'unchanged') seen.done++;
    if (e.event === 'failed') seen.failed++;
    if (logFormat === 'json') process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...e })}\n`);
    else if (e.event === 'failed') progress.log(fileLine('worker', e.url, String(e.reason)));
    else if (flags.verbose === true && (e.event !== 'retry' || e.attempt !== undefined)) progress.log(fileLine('worker', e.url, e.event === 'retry' ? `retry later: ${String(e.reason)}` : e.event));
    if (flags.quiet !== true && logFormat === 'text') progress.status(`attachments done ${seen.done}, failed ${seen.failed}`);
  };
  try {
    const s = await work(store, queue, {
      concurrency, once: flags.once === true, filesDir: (values.files as string | undefined) ?? 'out/files', limits,
      command: ['worker', ...args].join(' '), stop: stop.signal,
    }, log);
    progress.done();
    const summary = {
      run: s.runId, jobs: s.jobs, retried: s.retried, sources: s.sources, new: s.new, changed: s.changed, unchanged: s.unchanged,
      unsupported: s.unsupported, disallowed: s.disallowed, failed: s.failed, stillFailing: s.stillFailing, evaluations: s.evaluations,
    };
    const code = s.failed - s.stillFailing > 0 ? 1 : 0;
    if (flags.json === true) process.stdout.write(`${JSON.stringify({ ...summary, database: shownDataset(db) })}\n`);
    else if (flags.quiet !== true) {
      process.stdout.write([
        `jobs: ${s.jobs} (${s.retried} handed back to be tried again later)`,
        `sources: ${s.sources} (new ${s.new}, changed ${s.changed}, unchanged ${s.unchanged}, unsupported ${s.unsupported}, disallowed ${s.disallowed}, failed ${s.failed}${s.stillFailing ? `, of which still failing ${s.stillFailing}` : ''})`,
        `evaluations written: ${s.evaluations}`,
        `database: ${shownDataset(db)} (run ${s.runId})`,
      ].join('\n') + '\n');
    }
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await queue.close();
    await store.close();
  }
}
