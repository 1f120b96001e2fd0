import { z } from 'zod';

/** `--config sources.json`: the same settings as the command-line options, which override it. */
export const CrawlConfigSchema = z.object({
  sources: z.array(z.url()).default([]),
  contact: z.string().optional(),
  allowHosts: z.array(z.string()).default([]),
  sameSite: z.boolean().optional(),
  include: z.string().optional(),
  exclude: z.string().optional(),
  maxDepth: z.number().int().nonnegative().optional(),
  maxPages: z.number().int().positive().optional(),
  maxAttachments: z.number().int().positive().optional(),
  maxPageAttachments: z.number().int().positive().optional(),
  deadlineSeconds: z.number().positive().max(2147483).optional(),
  maxBytes: z.number().int().positive().optional(),
  timeoutSeconds: z.number().positive().max(2147483).optional(), // Node's timers hold 2^31−1 ms
  retries: z.number().int().nonnegative().optional(),
  backoffMs: z.number().int().nonnegative().optional(),
  maxRetryAfterSeconds: z.number().nonnegative().optional(),
  delayMs: z.number().int().nonnegative().optional(),
  perHost: z.number().int().positive().optional(),
  fullEveryDays: z.number().positive().optional(),
}).strict();
export type CrawlConfig = z.infer<typeof CrawlConfigSchema>;

export interface CrawlOptions {
  seeds: URL[];
  db: string;
  filesDir: string;
  userAgent: string;
  allowedHosts: Set<string>;
  sameSite: boolean;
  include: RegExp | null;
  exclude: RegExp | null;
  maxDepth: number;
  maxPages: number;
  /** Attachment links taken in one run, and from one page: a page with 100,000 links is hostile, not a listing. */
  maxAttachments: number;
  maxPageAttachments: number;
  /** The whole run's time: past it no request starts, those in flight end, no retry waits. */
  deadlineMs: number;
  maxBytes: number;
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  maxRetryAfterMs: number;
  delayMs: number;
  perHost: number;
  /** Hosts allowed to be private addresses: the listings' own, with --allow-private. */
  privateHosts: Set<string>;
  concurrency: number;
  /** Walk every listing to its end this run (--full); otherwise paging stops at the first page with nothing new … */
  full: boolean;
  /** … except on listings whose last full walk is this many days old or more. */
  fullEveryDays: number;
}

export const DEFAULTS = {
  maxDepth: 3, maxPages: 500, maxAttachments: 2000, maxPageAttachments: 500, deadlineSeconds: 4 * 3600, maxBytes: 50 * 1024 * 1024, timeoutSeconds: 30, retries: 3, backoffMs: 1000,
  maxRetryAfterSeconds: 120, delayMs: 1000, perHost: 2, fullEveryDays: 7,
} as const;

export function userAgent(version: string, contact: string | undefined): string {
  return `zipin/${version} (performance self-evaluation dataset crawler${contact ? `; contact: ${contact}` : ''})`;
}
