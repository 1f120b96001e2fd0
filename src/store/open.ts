import type { Dataset } from './dataset.js';
import { isPostgresUrl } from './target.js';

/** The dataset `target` names, opened for reading and writing (created and brought up to date if need be). */
export async function openDataset(target: string, options: { busyTimeoutMs?: number; connections?: number } = {}): Promise<Dataset> {
  if (isPostgresUrl(target)) return (await import('./postgres.js')).openPostgres(target, options.connections);
  const { SqliteDataset } = await import('./store.js');
  return SqliteDataset.open(target, options.busyTimeoutMs);
}
