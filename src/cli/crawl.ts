import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CrawlConfigSchema, DEFAULTS, userAgent, type CrawlConfig, type CrawlOptions } from '../crawl/config.js';
import { crawl, type CrawlEvent } from '../crawl/crawl.js';
import { acquireLock } from '../store/lock.js';
import { Store } from '../store/store.js';
import { PIPELINE_VERSION } from '../version.js';
import { oneOf, positiveInt, regex, timeoutMs, UsageError, workerCount } from './args.js';

/** `zipin crawl`: options and config file → a crawl run, its events logged, its summary printed. */
export async function crawlCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, strict: true,
    options: {
      config: { type: 'string' }, db: { type: 'string', default: 'out/zipin.sqlite' }, files: { type: 'string', default: 'out/files' },
      'max-depth': { type: 'string' }, 'same-site': { type: 'boolean' }, include: { type: 'string' }, exclude: { type: 'string' },
      'allow-host': { type: 'string', multiple: true }, 'allow-private': { type: 'boolean' }, contact: { type: 'string' },
      'max-pages': { type: 'string' }, 'max-attachments': { type: 'string' }, 'max-page-attachments': { type: 'string' },
      deadline: { type: 'string' }, 'max-bytes': { type: 'string' }, timeout: { type: 'string' }, retries: { type: 'string' },
      delay: { type: 'string' }, 'per-host': { type: 'string' }, log: { type: 'string' }, concurrency: { type: 'string' },
    },
  });
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
    seeds, db: values.db, filesDir: values.files,
    userAgent: userAgent(PIPELINE_VERSION, values.contact ?? config.contact),
    allowedHosts: new Set([...seeds.map((s) => s.host), ...config.allowHosts, ...(values['allow-host'] ?? [])]),
    sameSite: values['same-site'] ?? config.sameSite ?? false,
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
    privateHosts: new Set(values['allow-private'] ? seeds.map((s) => s.hostname) : []),
    concurrency: workerCount(values.concurrency),
  };
  const store = new Store(options.db);
  const lock = acquireLock(store, 'crawl');
  if ('heldBy' in lock) {
    store.close();
    process.stderr.write(`zipin: crawl: another crawl (pid ${lock.heldBy}) is using ${options.db}; not starting a second one\n`);
    return 1;
  }
  try {
    const log = (e: CrawlEvent) => {
      if (logFormat === 'json') process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...e })}\n`);
      else if (e.event === 'failed' || e.event === 'disallowed') process.stderr.write(`zipin: ${e.event}: ${e.url}: ${String(e.reason)}\n`);
    };
    const s = await crawl(store, options, log, ['crawl', ...args].join(' '));
    const summary = {
      run: s.runId, pages: s.pages, pagesFailed: s.pagesFailed, sources: s.sources, new: s.new, changed: s.changed,
      unchanged: s.unchanged, unsupported: s.unsupported, disallowed: s.disallowed, failed: s.failed, capped: s.capped,
      notChecked: s.notChecked, evaluations: s.evaluations,
    };
    if (logFormat === 'json') process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), event: 'summary', ...summary })}\n`);
    process.stdout.write([
      `pages: ${s.pages} (${s.pagesFailed} failed)`,
      `sources: ${s.sources} (new ${s.new}, changed ${s.changed}, unchanged ${s.unchanged}, unsupported ${s.unsupported}, disallowed ${s.disallowed}, failed ${s.failed})`,
      ...(s.capped > 0 ? [`capped: ${s.capped} attachment link(s) not followed (--max-attachments ${options.maxAttachments}, --max-page-attachments ${options.maxPageAttachments})`] : []),
      ...(s.notChecked > 0 ? [`deadline: ${s.notChecked} page(s) or attachment(s) not checked (--deadline ${options.deadlineMs / 1000} s); their rows are as before`] : []),
      `evaluations written: ${s.evaluations}`,
      `database: ${options.db} (run ${s.runId}); files: ${options.filesDir}`,
    ].join('\n') + '\n');
    return s.failed + s.pagesFailed + s.notChecked > 0 ? 1 : 0;
  } finally {
    lock.release();
    store.close();
  }
}
