import { readFileSync } from 'node:fs';
import { CrawlConfigSchema, DEFAULTS, userAgent, type CrawlConfig, type CrawlOptions } from '../crawl/config.js';
import type { CrawlEvent } from '../crawl/fetcher.js';
import type { Walked } from '../crawl/listings.js';
import { JOB_DEFAULTS, MAX_JOB_SECONDS, type JobSettings } from '../queue/jobs.js';
import { isPostgresUrl } from '../store/target.js';
import { openDataset } from '../store/open.js';
import { PIPELINE_VERSION } from '../version.js';
import { oneOf, positiveInt, regex, timeoutMs, UsageError, workerCount } from './args.js';
import { datasetOf, DB_OPTION, OUTPUT_OPTIONS, shownDataset } from './options.js';
import { ProgressBar } from './progress.js';
import type { CommandSpec, Parsed } from './spec.js';
import { fileLine } from './terminal.js';

export const CRAWL: CommandSpec = {
  name: 'crawl',
  args: '<listing-url>...',
  summary: 'Walk disclosure listing pages, fetch new or changed attachments, extract them into the dataset.',
  description: `Options override the --config file's settings (same names in camelCase). Pages are read as the CMS
that built them writes them (TRS WCM, Hanweb JCMS, Guangdong's gkmlpt; see docs/crawling.md, "Sites zipin reads"):
pagers and links written by scripts, data calls, downloads whose link does not say what they are. A listing's
further pages stop at the first that brings nothing an earlier run had not seen, except on a full walk
(--full, or every --full-every days). A source or page that failed the same way last run is reported as still
failing; bytes that changed while their records did not (a view counter) are unchanged. Exit 0 when all went
well, or when the only failures are still failing ones; 1 when a page or source failed anew (with --strict:
any failure), or the deadline cut the run short; 2 on usage or config errors.

With --enqueue (a PostgreSQL --db only) the crawl walks the listings and queues one job per attachment
for "zipin worker" processes on any machine to fetch, read and store; a URL already queued, by this crawl
or another running at the same time, is queued once.`,
  options: [
    { name: 'config', value: 'FILE', help: 'a JSON file of settings (sources, contact, allowHosts, …)' },
    DB_OPTION,
    { name: 'files', value: 'DIR', default: 'out/files', help: 'where downloads are kept, named by their sha256' },
    { name: 'max-depth', value: 'N', default: String(DEFAULTS.maxDepth), help: 'links followed from a listing page' },
    { name: 'same-site', help: "follow links to the listings' whole site (registrable domain), not only their hosts" },
    { name: 'include', value: 'RE', help: 'only page and attachment URLs matching this regular expression' },
    { name: 'exclude', value: 'RE', help: 'no URL matching this regular expression' },
    { name: 'allow-host', value: 'HOST', multiple: true, help: 'another host whose pages and attachments may be fetched' },
    { name: 'allow-private', help: "let the listings' own hosts be private addresses (an intranet mirror)" },
    { name: 'contact', value: 'EMAIL', help: 'put into the User-Agent, so that site operators can reach you' },
    { name: 'max-pages', value: 'N', default: String(DEFAULTS.maxPages), help: 'pages fetched in one run (pagers\' and data calls\' too)' },
    { name: 'full', help: 'walk every listing to its end, not only to the first page with nothing new' },
    { name: 'full-every', value: 'DAYS', default: String(DEFAULTS.fullEveryDays), help: 'walk a listing to its end when its last full walk is this old' },
    { name: 'max-attachments', value: 'N', default: String(DEFAULTS.maxAttachments), help: 'attachment links taken in one run' },
    { name: 'max-page-attachments', value: 'N', default: String(DEFAULTS.maxPageAttachments), help: 'attachment links taken from one page' },
    { name: 'deadline', value: 'SECONDS', default: String(DEFAULTS.deadlineSeconds), help: 'the whole run; what is left is reported as not checked' },
    { name: 'max-bytes', value: 'N', default: String(DEFAULTS.maxBytes), help: 'largest download' },
    { name: 'timeout', value: 'SECONDS', default: String(DEFAULTS.timeoutSeconds), help: 'one request' },
    { name: 'retries', value: 'N', default: String(DEFAULTS.retries), help: 'retries of a request that failed for a passing reason (5xx, 429, network)' },
    { name: 'delay', value: 'MS', default: String(DEFAULTS.delayMs), help: 'pause between requests to one host' },
    { name: 'per-host', value: 'N', default: String(DEFAULTS.perHost), help: 'requests in flight to one host' },
    { name: 'concurrency', value: 'N', default: 'one per core', help: 'worker processes parsing downloads' },
    { name: 'log', value: 'text|json', default: 'text', help: 'events on standard error as lines, or one JSON object each' },
    { name: 'strict', help: 'exit 1 on any failure, still failing ones too' },
    { name: 'enqueue', help: 'queue the attachments for zipin worker instead of fetching them here (PostgreSQL)' },
    { name: 'job-timeout', value: 'SECONDS', default: String(JOB_DEFAULTS.timeoutSeconds), help: "with --enqueue: how long a worker may hold a job before another takes it over (half of it for fetching)" },
    { name: 'job-retries', value: 'N', default: String(JOB_DEFAULTS.retries), help: 'with --enqueue: further tries of a job that failed for a passing reason or lost its worker' },
    { name: 'job-retry-delay', value: 'SECONDS', default: String(JOB_DEFAULTS.retryDelaySeconds), help: 'with --enqueue: the first retry waits about this long, each further one about twice as long' },
    ...OUTPUT_OPTIONS,
  ],
  examples: ['zipin crawl https://www.example.gov.cn/zwgk/czyjs/ --contact you@example.org   # a listing, nightly', 'zipin crawl --config sources.json --full --log json                        # every page of every listing'],
};

/** `zipin crawl`: options and config file → a crawl run, its events logged, its summary printed. */
export async function crawlCommand({ values: raw, positionals, args }: Parsed): Promise<number> {
  const values = raw as Record<string, string | undefined>;
  const flags = raw as Record<string, boolean | undefined>;
  let config: CrawlConfig = CrawlConfigSchema.parse({});
  if (values.config !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(values.config, 'utf8'));
    } catch (error) {
      throw new UsageError(`cannot read --config ${values.config}: ${(error as Error).message.split('\n')[0]}`);
    }
    const parsed = CrawlConfigSchema.safeParse(raw);
    if (!parsed.success) throw new UsageError(`--config ${values.config}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
    config = parsed.data;
  }
  const seeds = [...config.sources, ...positionals].map((u) => {
    try {
      const url = new URL(u);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
      return url;
    } catch {
      throw new UsageError(`not an http(s) URL: ${u}`);
    }
  });
  if (seeds.length === 0) throw new UsageError('crawl needs at least one listing URL (or sources in --config)');
  const logFormat = oneOf(values.log, 'log', ['text', 'json'] as const, 'text');
  const options: CrawlOptions = {
    seeds, db: datasetOf(values), filesDir: values.files ?? 'out/files',
    userAgent: userAgent(PIPELINE_VERSION, values.contact ?? config.contact),
    allowedHosts: new Set([...seeds.map((s) => s.host), ...config.allowHosts, ...((raw['allow-host'] as string[] | undefined) ?? [])]),
    sameSite: flags['same-site'] ?? config.sameSite ?? false,
    include: regex(values.include ?? config.include, 'include'), exclude: regex(values.exclude ?? config.exclude, 'exclude'),
    maxDepth: positiveInt(values['max-depth'], 'max-depth', config.maxDepth ?? DEFAULTS.maxDepth, 0),
    maxPages: positiveInt(values['max-pages'], 'max-pages', config.maxPages ?? DEFAULTS.maxPages),
    maxAttachments: positiveInt(values['max-attachments'], 'max-attachments', config.maxAttachments ?? DEFAULTS.maxAttachments),
    maxPageAttachments: positiveInt(values['max-page-attachments'], 'max-page-attachments', config.maxPageAttachments ?? DEFAULTS.maxPageAttachments),
    deadlineMs: timeoutMs(values.deadline, config.deadlineSeconds ?? DEFAULTS.deadlineSeconds, 'deadline'),
    maxBytes: positiveInt(values['max-bytes'], 'max-bytes', config.maxBytes ?? DEFAULTS.maxBytes),
    timeoutMs: timeoutMs(values.timeout, config.timeoutSeconds ?? DEFAULTS.timeoutSeconds),
    retries: positiveInt(values.retries, 'retries', config.retries ?? DEFAULTS.retries, 0),
    backoffMs: config.backoffMs ?? DEFAULTS.backoffMs,
    maxRetryAfterMs: (config.maxRetryAfterSeconds ?? DEFAULTS.maxRetryAfterSeconds) * 1000,
    delayMs: positiveInt(values.delay, 'delay', config.delayMs ?? DEFAULTS.delayMs, 0),
    perHost: positiveInt(values['per-host'], 'per-host', config.perHost ?? DEFAULTS.perHost),
    // --allow-private opens the listings' own hosts only, never every private range.
    privateHosts: new Set(flags['allow-private'] ? seeds.map((s) => s.hostname) : []),
    concurrency: workerCount(values.concurrency),
    full: flags.full === true,
    fullEveryDays: positiveInt(values['full-every'], 'full-every', config.fullEveryDays ?? DEFAULTS.fullEveryDays),
  };
  if (flags.enqueue === true) return enqueueCommand(options, jobSettings(values), logFormat, flags, ['crawl', ...args].join(' '));
  const store = await openDataset(options.db);
  const lock = await store.acquireLock('crawl');
  if ('heldBy' in lock) {
    await store.close();
    process.stderr.write(`zipin: crawl: ${shownDataset(options.db)}: another crawl (pid ${lock.heldBy}) is using it; not starting a second one\n`);
    return 1;
  }
  try {
    const progress = new ProgressBar();
    const seen = { pages: 0, new: 0, changed: 0, unchanged: 0, failed: 0 };
    const log = (e: CrawlEvent) => {
      if (e.event === 'page') seen.pages++;
      if (e.event === 'new' || e.event === 'changed' || e.event === 'unchanged' || e.event === 'failed') seen[e.event]++;
      if (logFormat === 'json') process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...e })}\n`);
      else if (e.event === 'failed' || e.event === 'disallowed') {
        progress.log(fileLine('crawl', e.url, `${e.still ? 'still failing: ' : e.event === 'disallowed' ? 'disallowed: ' : ''}${String(e.reason)}`));
      } else if (flags.verbose === true && e.event !== 'retry') progress.log(fileLine('crawl', e.url, e.event));
      if (flags.quiet !== true && logFormat === 'text') {
        progress.status(`pages ${seen.pages} · attachments new ${seen.new}, changed ${seen.changed}, unchanged ${seen.unchanged}, failed ${seen.failed}`);
      }
    };
    // Loaded here, not with the CLI: the HTTP client alone takes a tenth of a second to start.
    const { crawl } = await import('../crawl/crawl.js');
    const s = await crawl(store, options, log, ['crawl', ...args].join(' '));
    progress.done();
    const summary = {
      run: s.runId, requests: s.requests, pages: s.pages, pagesFailed: s.pagesFailed, pagesStillFailing: s.pagesStillFailing, pagesCapped: s.pagesCapped,
      stopped: s.stopped, sources: s.sources, new: s.new, changed: s.changed, unchanged: s.unchanged, unsupported: s.unsupported, disallowed: s.disallowed,
      failed: s.failed, stillFailing: s.stillFailing, capped: s.capped, notChecked: s.notChecked, evaluations: s.evaluations,
    };
    if (logFormat === 'json') process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), event: 'summary', ...summary })}\n`);
    const newFailures = s.failed - s.stillFailing + s.pagesFailed - s.pagesStillFailing + s.notChecked;
    const code = (flags.strict === true ? s.failed + s.pagesFailed + s.notChecked : newFailures) > 0 ? 1 : 0;
    if (flags.json === true) {
      process.stdout.write(`${JSON.stringify({ ...summary, database: shownDataset(options.db), files: options.filesDir })}\n`);
      return code;
    }
    if (flags.quiet === true) return code;
    process.stdout.write([
      pagesLine(s, options, s.requests),
      `sources: ${s.sources} (new ${s.new}, changed ${s.changed}, unchanged ${s.unchanged}, unsupported ${s.unsupported}, disallowed ${s.disallowed}, failed ${s.failed}${s.stillFailing ? `, of which still failing ${s.stillFailing}` : ''})`,
      ...cappedLines(s, options),
      ...(s.notChecked > 0 ? [`deadline: ${s.notChecked} page(s) or attachment(s) not checked (--deadline ${options.deadlineMs / 1000} s); their rows are as before`] : []),
      `evaluations written: ${s.evaluations}`,
      `database: ${shownDataset(options.db)} (run ${s.runId}); files: ${options.filesDir}`,
    ].join('\n') + '\n');
    return code;
  } finally {
    await lock.release();
    await store.close();
  }
}

/** The summary's line on pages: how many, how many failed (and of them still failing), listings stopped early, requests. */
function pagesLine(w: Pick<Walked, 'pages' | 'pagesFailed' | 'pagesStillFailing' | 'stopped'>, options: CrawlOptions, requests?: number): string {
  const failed = `${w.pagesFailed} failed${w.pagesStillFailing ? `, of which still failing ${w.pagesStillFailing}` : ''}`;
  const stopped = w.stopped > 0 ? `; ${w.stopped} listing(s) stopped at a page with nothing new${options.full ? '' : ' (--full walks them to the end)'}` : '';
  return `pages: ${w.pages} (${failed})${stopped}${requests !== undefined ? `; requests: ${requests}` : ''}`;
}

/** The summary's lines on what a cap left alone. */
function cappedLines(w: Pick<Walked, 'capped' | 'pagesCapped'>, options: CrawlOptions): string[] {
  return [
    ...(w.capped > 0 ? [`capped: ${w.capped} attachment link(s) not followed (--max-attachments ${options.maxAttachments}, --max-page-attachments ${options.maxPageAttachments})`] : []),
    ...(w.pagesCapped > 0 ? [`capped: ${w.pagesCapped} further listing page(s) not walked (--max-pages ${options.maxPages})`] : []),
  ];
}

function jobSettings(values: Record<string, string | undefined>): JobSettings {
  const timeoutSeconds = positiveInt(values['job-timeout'], 'job-timeout', JOB_DEFAULTS.timeoutSeconds);
  if (timeoutSeconds > MAX_JOB_SECONDS) throw new UsageError(`--job-timeout takes at most ${MAX_JOB_SECONDS} seconds (a day), not ${timeoutSeconds}`);
  return {
    timeoutSeconds,
    retries: positiveInt(values['job-retries'], 'job-retries', JOB_DEFAULTS.retries, 0),
    retryDelaySeconds: positiveInt(values['job-retry-delay'], 'job-retry-delay', JOB_DEFAULTS.retryDelaySeconds),
  };
}

/** `zipin crawl --enqueue`: the listings walked here, their attachments queued for workers. */
async function enqueueCommand(options: CrawlOptions, settings: JobSettings, logFormat: 'text' | 'json', flags: Record<string, boolean | undefined>, command: string): Promise<number> {
  if (!isPostgresUrl(options.db)) throw new UsageError('--enqueue needs a PostgreSQL dataset (--db postgres://… or $ZIPIN_DB): the queue lives in it');
  const store = await openDataset(options.db);
  const [{ Fetcher }, { httpPolicy, walkAndRecord }, { enqueue, openQueue }, { jobOf }] = await Promise.all([
    import('../crawl/fetcher.js'), import('../crawl/crawl.js'), import('../queue/queue.js'), import('../queue/jobs.js'),
  ]);
  const queue = await openQueue(options.db);
  const progress = new ProgressBar();
  let pages = 0;
  const log = (e: CrawlEvent) => {
    if (e.event === 'page') pages++;
    if (logFormat === 'json') process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...e })}\n`);
    else if (e.event === 'failed' || e.event === 'disallowed') progress.log(fileLine('crawl', e.url, `${e.event === 'disallowed' ? 'disallowed: ' : ''}${String(e.reason)}`));
    else if (flags.verbose === true && e.event !== 'retry') progress.log(fileLine('crawl', e.url, e.event));
    if (flags.quiet !== true && logFormat === 'text') progress.status(`pages ${pages}`);
  };
  const fetcher = new Fetcher(httpPolicy(options), log);
  try {
    const runId = await store.startRun(command);
    const walked = await walkAndRecord(store, fetcher, options);
    const queued = await enqueue(queue, walked.attachments.map((a) => jobOf(a, options, runId, settings)), settings);
    await store.finishRun(runId, {
      documentsSeen: 0, documentsOk: 0, documentsFailed: 0, evaluationsWritten: 0, sourcesSeen: walked.attachments.length,
      sourcesFailed: walked.pagesFailed,
    });
    progress.done();
    const summary = {
      run: runId, requests: fetcher.requests, pages: walked.pages, pagesFailed: walked.pagesFailed, pagesStillFailing: walked.pagesStillFailing,
      pagesCapped: walked.pagesCapped, stopped: walked.stopped, attachments: walked.attachments.length, queued,
      alreadyQueued: walked.attachments.length - queued, capped: walked.capped, notChecked: walked.notChecked,
    };
    if (logFormat === 'json') process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), event: 'summary', ...summary })}\n`);
    const code = (flags.strict === true ? walked.pagesFailed : walked.pagesFailed - walked.pagesStillFailing) + walked.notChecked > 0 ? 1 : 0;
    if (flags.json === true) process.stdout.write(`${JSON.stringify({ ...summary, database: shownDataset(options.db) })}\n`);
    else if (flags.quiet !== true) {
      process.stdout.write([
        pagesLine(walked, options, fetcher.requests),
        `attachments: ${walked.attachments.length} (queued ${queued}, already queued ${summary.alreadyQueued})`,
        ...cappedLines(walked, options),
        ...(walked.notChecked > 0 ? [`deadline: ${walked.notChecked} page(s) not checked (--deadline ${options.deadlineMs / 1000} s)`] : []),
        `database: ${shownDataset(options.db)} (run ${runId}); "zipin worker --db …" fetches them, "zipin status --db …" shows the queue`,
      ].join('\n') + '\n');
    }
    return code;
  } finally {
    await fetcher.close();
    await queue.close();
    await store.close();
  }
}
