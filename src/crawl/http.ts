import pLimit, { type LimitFunction } from 'p-limit';
import { Agent, fetch, type Dispatcher, type Response } from 'undici';
import { assertPublicLiteral, guardedLookup, PrivateAddressError } from './addresses.js';

export interface HttpPolicy {
  userAgent: string;
  timeoutMs: number;
  maxBytes: number;
  retries: number;
  /** First retry waits this long; each further one twice as long. */
  backoffMs: number;
  /** Longest Retry-After honoured (a server asking for more is treated as failed for this run). */
  maxRetryAfterMs: number;
  /** Hosts that may be private addresses (the listing's own, with --allow-private); no other may. */
  privateHosts: ReadonlySet<string>;
  /** Hosts a redirect may lead to. */
  allowedHosts: ReadonlySet<string>;
  perHost: number;
  delayMs: number;
  /** Aborted when the run's deadline is reached: requests in flight end, none start, no retry waits past it. */
  deadline: AbortSignal;
}

/** Sockets that connect only to the addresses the guard checked (see guardedLookup). */
function guardedAgent(privateHosts: ReadonlySet<string>): Dispatcher {
  return new Agent({ connect: { lookup: guardedLookup(privateHosts) as never } });
}

/** The run's deadline passed: the reason recorded for what it cut short. */
export const DEADLINE_REASON = 'run deadline reached';

export interface Fetched {
  url: string;
  status: number;
  headers: Headers;
  /** null for 304 Not Modified. */
  body: Buffer | null;
}

/** A request that failed, with the one-line reason recorded for the source. */
export class FetchError extends Error {
  constructor(message: string, readonly status: number | null, readonly retryable: boolean, readonly retryAfterMs: number | null = null) {
    super(message);
  }
}

const MAX_REDIRECTS = 5;

function retryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

async function readCapped(response: Response, maxBytes: number): Promise<Buffer> {
  const length = Number(response.headers.get('content-length'));
  if (Number.isFinite(length) && length > maxBytes) {
    await response.body?.cancel();
    throw new FetchError(`too large: ${length} bytes (limit ${maxBytes})`, response.status, false);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body ?? []) {
    total += chunk.length;
    if (total > maxBytes) throw new FetchError(`too large: over ${maxBytes} bytes`, response.status, false);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** A POSTed form (a CMS's data call for its listing's further records); a GET when absent. */
export type FormBody = URLSearchParams | undefined;

/** One request, following redirects only to allowed hosts, capped in time and size. */
async function fetchOnce(url: URL, policy: HttpPolicy, dispatcher: Dispatcher, headers: Record<string, string>, form: FormBody): Promise<Fetched> {
  let current = url;
  for (let hop = 0; ; hop++) {
    try {
      assertPublicLiteral(current.hostname, policy.privateHosts);
    } catch (error) {
      throw new FetchError((error as Error).message, null, false);
    }
    if (policy.deadline.aborted) throw new FetchError(DEADLINE_REASON, null, false);
    let response: Response;
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    const signal = AbortSignal.any([timeout, policy.deadline]);
    const stopped = () => new FetchError(policy.deadline.aborted ? DEADLINE_REASON : `timed out after ${policy.timeoutMs / 1000} s`, null, false);
    try {
      // A redirected POST goes on as a GET, as browsers do.
      const post = form !== undefined && hop === 0;
      response = await fetch(current, {
        redirect: 'manual', signal, dispatcher, method: post ? 'POST' : 'GET', body: post ? form.toString() : undefined,
        headers: { 'user-agent': policy.userAgent, ...(post ? { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' } : {}), ...headers },
      });
    } catch (error) {
      if (signal.aborted) throw stopped();
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      if (cause instanceof PrivateAddressError) throw new FetchError(cause.message, null, false);
      throw new FetchError(`network error: ${cause?.code ?? cause?.message ?? (error as Error).message}`, null, true);
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && response.status !== 304 && location) {
      await response.body?.cancel();
      const next = new URL(location, current);
      if (hop + 1 > MAX_REDIRECTS) throw new FetchError(`too many redirects (over ${MAX_REDIRECTS})`, response.status, false);
      if (!policy.allowedHosts.has(next.host) && next.host !== url.host) {
        throw new FetchError(`redirect to another host refused: ${next.href}`, response.status, false);
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new FetchError(`redirect to ${next.protocol} refused`, response.status, false);
      current = next;
      continue;
    }
    if (response.status === 304) {
      await response.body?.cancel();
      return { url: current.href, status: 304, headers: response.headers, body: null };
    }
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel();
      throw new FetchError(`HTTP ${response.status}`, response.status, true, retryAfter(response.headers.get('retry-after')));
    }
    if (response.status >= 400) {
      await response.body?.cancel();
      throw new FetchError(`HTTP ${response.status}`, response.status, false);
    }
    try {
      return { url: current.href, status: response.status, headers: response.headers, body: await readCapped(response, policy.maxBytes) };
    } catch (error) {
      if (error instanceof FetchError) throw error;
      if (signal.aborted) throw stopped();
      throw new FetchError(`network error while reading: ${(error as Error).message}`, response.status, true);
    }
  }
}

/** Wait `ms`, or less if the deadline comes first (then false). */
function pause(ms: number, deadline: AbortSignal): Promise<boolean> {
  if (deadline.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      deadline.removeEventListener('abort', abort);
      resolve(ok);
    };
    const abort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    deadline.addEventListener('abort', abort, { once: true });
  });
}

/**
 * Politeness per host: at most `perHost` requests at once and `delayMs` between the starts of
 * two requests to the same host (robots.txt's Crawl-delay raises it).
 */
export class HostGate {
  private readonly hosts = new Map<string, { limit: LimitFunction; next: number; delayMs: number }>();
  /** The connections of this run, through the address guard. */
  readonly dispatcher: Dispatcher;
  /** Requests sent through this gate (retries and robots.txt included), for the run's summary. */
  requests = 0;

  constructor(private readonly policy: HttpPolicy) {
    this.dispatcher = guardedAgent(policy.privateHosts);
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }

  setDelay(host: string, delayMs: number): void {
    this.entry(host).delayMs = Math.max(this.policy.delayMs, delayMs);
  }

  private entry(host: string) {
    let e = this.hosts.get(host);
    if (!e) this.hosts.set(host, (e = { limit: pLimit(this.policy.perHost), next: 0, delayMs: this.policy.delayMs }));
    return e;
  }

  run<T>(host: string, fn: () => Promise<T>): Promise<T> {
    const e = this.entry(host);
    return e.limit(async () => {
      const wait = e.next - Date.now();
      e.next = Math.max(Date.now(), e.next) + e.delayMs;
      if (wait > 0 && !(await pause(wait, this.policy.deadline))) throw new FetchError(DEADLINE_REASON, null, false);
      this.requests++;
      return fn();
    });
  }
}

/**
 * GET (or a form's POST) with retries: 5xx, 429 and network errors are tried again after an exponential backoff
 * (or the server's Retry-After, when it asks for no longer than `maxRetryAfterMs`).
 */
export async function fetchWithRetry(
  url: URL, policy: HttpPolicy, gate: HostGate, headers: Record<string, string> = {},
  onRetry?: (attempt: number, waitMs: number, reason: string) => void, form?: FormBody,
): Promise<Fetched> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await gate.run(url.host, () => fetchOnce(url, policy, gate.dispatcher, headers, form));
    } catch (error) {
      const e = error instanceof FetchError ? error : new FetchError(String(error), null, false);
      if (!e.retryable || attempt >= policy.retries) {
        throw attempt > 0 && e.retryable ? new FetchError(`${e.message} (after ${attempt + 1} attempts)`, e.status, false) : e;
      }
      if (e.retryAfterMs !== null && e.retryAfterMs > policy.maxRetryAfterMs) {
        throw new FetchError(`${e.message}: Retry-After ${Math.round(e.retryAfterMs / 1000)} s is longer than this run waits`, e.status, false);
      }
      const wait = e.retryAfterMs ?? policy.backoffMs * 2 ** attempt;
      onRetry?.(attempt + 1, wait, e.message);
      if (!(await pause(wait, policy.deadline))) throw new FetchError(`${e.message}; ${DEADLINE_REASON} before the retry`, e.status, false);
    }
  }
}
