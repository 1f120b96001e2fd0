import { isPostgresUrl, withoutPassword } from '../store/target.js';
import { BUSY_TIMEOUT_MS } from '../store/store.js';
import { DEFAULT_LIMITS } from '../pipeline/pool.js';
import type { OptionSpec } from './spec.js';

/** Option groups several commands share, so that each means the same everywhere. */

export const DB_OPTION: OptionSpec = {
  name: 'db', value: 'PATH|URL', default: 'out/zipin.sqlite, or $ZIPIN_DB', help: 'the dataset: an SQLite file, or a PostgreSQL database (postgres://user@host/db)',
};

/** The dataset a command names: --db, else ZIPIN_DB, else out/zipin.sqlite. */
export const datasetOf = (values: { db?: unknown }): string => (values.db as string | undefined) ?? (process.env.ZIPIN_DB || 'out/zipin.sqlite');

/** The dataset as messages name it: a file's path, a database's URL without its password. */
export const shownDataset = (target: string): string => (isPostgresUrl(target) ? withoutPassword(target) : target);

/** How documents are parsed: extract and crawl. */
export const WORKER_OPTIONS: readonly OptionSpec[] = [
  { name: 'concurrency', value: 'N', default: 'one per core', help: 'worker processes parsing documents, at most (one per core); the first starts at once, the others for scans, or while the files left pay for their warm-up' },
  { name: 'timeout', value: 'SECONDS', default: String(DEFAULT_LIMITS.timeoutMs / 1000), help: 'time one document may take (0.001 to 2147483)' },
  { name: 'max-memory', value: 'MB', default: String(DEFAULT_LIMITS.memoryMb), help: "resident memory one document's worker may use (at least 128)" },
  { name: 'wait', value: 'SECONDS', default: String(BUSY_TIMEOUT_MS / 1000), help: 'how long to wait while another process writes the dataset' },
];

/** What a run prints: extract and crawl. */
export const OUTPUT_OPTIONS: readonly OptionSpec[] = [
  { name: 'json', help: 'print the summary as one JSON object' },
  { name: 'quiet', short: 'q', help: 'print nothing but errors' },
  { name: 'verbose', help: 'name every file skipped, unchanged or duplicated (crawl: every page and attachment as it goes)' },
];
