import { z } from 'zod';
import type { Attachment } from '../crawl/attachment.js';
import type { CrawlOptions } from '../crawl/config.js';
import type { HttpPolicy } from '../crawl/http.js';

/** Where the queue lives in a PostgreSQL dataset (pg-boss's schema), and the queue of attachment jobs. */
export const QUEUE_SCHEMA = 'zipin_queue';
export const ATTACHMENTS = 'attachments';

/** How jobs are retried and given up on: chosen by the crawl that enqueues them. */
export interface JobSettings {
  /** How long a worker may hold a job; past it (a worker killed, a connection lost) another takes it over. */
  timeoutSeconds: number;
  /** Further tries of a job that failed for a passing reason, or whose worker died. */
  retries: number;
  /** The first retry waits about this long, each further one about twice as long (with jitter). */
  retryDelaySeconds: number;
}

export const JOB_DEFAULTS: JobSettings = { timeoutSeconds: 15 * 60, retries: 4, retryDelaySeconds: 60 };

/** The longest a job may be held: pg-boss refuses expiries of a day or more. */
export const MAX_JOB_SECONDS = 24 * 3600 - 1;

const LINK_KINDS = ['pdf', 'text', 'spreadsheet', 'word', 'ofd', 'image', 'archive', 'unsupported', 'page'] as const;

/**
 * One attachment to fetch, read and store, as the crawl that found it enqueued it: the link and
 * the page it was found on, and the crawl's HTTP settings (the hosts it may reach, its User-Agent,
 * its limits), so that a worker on any machine fetches it as that crawl would have.
 */
export const AttachmentJobSchema = z.object({
  url: z.url(),
  kind: z.enum(LINK_KINDS),
  foundOn: z.string(),
  /** The crawl run that enqueued it. */
  run: z.number().int(),
  timeoutSeconds: z.number().int().positive().max(MAX_JOB_SECONDS),
  http: z.object({
    userAgent: z.string(),
    timeoutMs: z.number().int().positive(),
    maxBytes: z.number().int().positive(),
    retries: z.number().int().nonnegative(),
    backoffMs: z.number().int().nonnegative(),
    maxRetryAfterMs: z.number().nonnegative(),
    delayMs: z.number().int().nonnegative(),
    perHost: z.number().int().positive(),
    privateHosts: z.array(z.string()),
    allowedHosts: z.array(z.string()),
  }).strict(),
}).strict();
export type AttachmentJob = z.infer<typeof AttachmentJobSchema>;

/** A job's data checked at the queue's boundary: a job another version (or a hand) wrote is refused, naming the field. */
export function attachmentJob(data: unknown): AttachmentJob {
  const result = AttachmentJobSchema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new Error(`queue: job data fails its schema at ${issue.path.join('.') || '(the whole job)'}: ${issue.message}`);
}

export function jobOf({ url, kind, foundOn }: Attachment, options: CrawlOptions, run: number, settings: JobSettings): AttachmentJob {
  return {
    url: url.href, kind, foundOn, run, timeoutSeconds: settings.timeoutSeconds,
    http: {
      userAgent: options.userAgent, timeoutMs: options.timeoutMs, maxBytes: options.maxBytes, retries: options.retries, backoffMs: options.backoffMs,
      maxRetryAfterMs: options.maxRetryAfterMs, delayMs: options.delayMs, perHost: options.perHost,
      privateHosts: [...options.privateHosts].sort(), allowedHosts: [...options.allowedHosts].sort(),
    },
  };
}

/** The HTTP policy a job's fetches follow, its deadline the job's own. */
export function jobPolicy(job: AttachmentJob, deadline: AbortSignal): HttpPolicy {
  return { ...job.http, privateHosts: new Set(job.http.privateHosts), allowedHosts: new Set(job.http.allowedHosts), deadline };
}

export function attachmentOf(job: AttachmentJob): Attachment {
  return { url: new URL(job.url), kind: job.kind, foundOn: job.foundOn };
}
