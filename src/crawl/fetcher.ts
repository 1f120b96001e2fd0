import { FetchError, fetchWithRetry, HostGate, type Fetched, type FormBody, type HttpPolicy } from './http.js';
import { ALLOW_ALL, parseRobots, type Robots } from './robots.js';

/** One thing that happened, for the log (one JSON object per event with --log json). */
export interface CrawlEvent {
  event: 'page' | 'download' | 'stopped' | 'new' | 'changed' | 'unchanged' | 'unsupported' | 'disallowed' | 'failed' | 'retry' | 'skipped' | 'capped';
  url: string;
  [key: string]: unknown;
}

/**
 * The HTTP side of a crawl, shared by its walk over the listings and by every attachment check
 * (in the crawl itself, or in a worker taking the attachment off the queue): the politeness gate
 * per host, robots.txt per origin, and the log of retries.
 */
export class Fetcher {
  private readonly gate: HostGate;
  private readonly robots = new Map<string, Promise<Robots>>();

  constructor(readonly policy: HttpPolicy, readonly log: (e: CrawlEvent) => void) {
    this.gate = new HostGate(policy);
  }

  /**
   * GET `url` (conditionally, given the stored validators), or POST `form` to it, retrying passing
   * failures and logging each retry. A POST waits its turn at the host like any request.
   */
  fetch(url: URL, headers: Record<string, string> = {}, policy: HttpPolicy = this.policy, form?: FormBody): Promise<Fetched> {
    return fetchWithRetry(url, policy, this.gate, headers, (attempt, waitMs, reason) => this.log({ event: 'retry', url: url.href, attempt, waitMs, reason }), form);
  }

  /** Requests this crawl has sent, robots.txt and retries included. */
  get requests(): number {
    return this.gate.requests;
  }

  /** Whether robots.txt lets zipin fetch `url`. */
  async allows(url: URL): Promise<boolean> {
    return (await this.robotsFor(url)).allows(url.pathname + url.search);
  }

  private robotsFor(url: URL): Promise<Robots> {
    let r = this.robots.get(url.origin);
    if (!r) {
      r = fetchWithRetry(new URL('/robots.txt', url.origin), { ...this.policy, retries: 1 }, this.gate)
        .then((res) => parseRobots(res.body?.toString('utf8') ?? '', 'zipin'))
        // No robots.txt (4xx) allows everything; an unreachable one (5xx, network) allows nothing this
        // run. A host refused outright is left to the request itself, which says why.
        .catch((error: unknown) => {
          if (error instanceof FetchError && ((error.status !== null && error.status < 500) || error.message.startsWith('refused'))) return ALLOW_ALL;
          return { allows: () => false, crawlDelaySeconds: null };
        });
      r.then((rules) => { if (rules.crawlDelaySeconds) this.gate.setDelay(url.host, rules.crawlDelaySeconds * 1000); }, () => {});
      this.robots.set(url.origin, r);
    }
    return r;
  }

  close(): Promise<void> {
    return this.gate.close();
  }
}
