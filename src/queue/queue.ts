import PgBoss from 'pg-boss';
import { ATTACHMENTS, QUEUE_SCHEMA, type AttachmentJob, type JobSettings } from './jobs.js';

/*
 * The job queue on a PostgreSQL dataset: pg-boss, in a schema of its own (QUEUE_SCHEMA) beside the
 * dataset's tables. Chosen over graphile-worker because a job's expiry is set per job: a job whose
 * worker was killed (kill -9, a lost connection) is handed to another worker once its timeout has
 * passed, not after graphile-worker's fixed four-hour lock.
 *
 * The queue's policy is pg-boss's `short`: at most one queued job per URL (the singleton key), so
 * crawls enqueuing the same listing at once make one job per attachment, while a URL whose job is
 * already running can be queued again for a later look. A worker holds a URL's lock while it works
 * on it (Dataset.exclusively), so the same URL is never worked on twice at once.
 */

/** How often a worker's pg-boss expires jobs held past their timeout (one worker does it for all, each interval). */
const MAINTENANCE_SECONDS = 10;

export interface Queue {
  boss: PgBoss;
  close(): Promise<void>;
}

/** pg-boss on the database at `url` (its schema made on first use), with `connections` of its own. */
export async function openQueue(url: string, connections = 2, work = false): Promise<Queue> {
  const boss = new PgBoss({
    connectionString: url, schema: QUEUE_SCHEMA, max: connections, application_name: 'zipin queue',
    // Only workers keep the queue: expiring, archiving. A crawl or `status` just reads and writes jobs.
    supervise: work, schedule: false, maintenanceIntervalSeconds: MAINTENANCE_SECONDS,
  });
  // A dropped connection is an error of the call on it; pg-boss reports it here too, where nothing need happen.
  boss.on('error', () => undefined);
  await boss.start();
  await boss.createQueue(ATTACHMENTS, { name: ATTACHMENTS, policy: 'short' });
  return { boss, close: () => boss.stop({ graceful: false, wait: true }) };
}

/** Jobs for these attachments; the URLs already queued (by this crawl or another) are left as they are. Returns how many were new. */
export async function enqueue(queue: Queue, jobs: readonly AttachmentJob[], settings: JobSettings): Promise<number> {
  let added = 0;
  for (const data of jobs) {
    const id = await queue.boss.send(ATTACHMENTS, data, {
      singletonKey: data.url, expireInSeconds: settings.timeoutSeconds, retryLimit: settings.retries,
      retryDelay: settings.retryDelaySeconds, retryBackoff: true, retentionDays: 14,
    });
    if (id !== null) added++;
  }
  return added;
}
