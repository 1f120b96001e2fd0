import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isSupportedFile } from '../extract/index.js';

export interface InputFiles {
  /** Files to extract, in a stable order. */
  files: string[];
  /** Files inside given directories that zipin does not read (left alone, counted in the summary). */
  skipped: string[];
  /** Inputs that do not exist or cannot be listed: recorded as failed documents. */
  unreadable: Array<{ path: string; error: unknown }>;
}

async function walk(dir: string, out: InputFiles): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    out.unreadable.push({ path: dir, error });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, out);
    else if (entry.isFile()) (isSupportedFile(path) ? out.files : out.skipped).push(path);
  }
}

/**
 * Expand the command line's files and directories. A file named explicitly is always tried
 * (and fails clearly if it is not a supported kind); inside directories only supported files
 * are picked, recursively.
 */
export async function collectInputs(inputs: readonly string[]): Promise<InputFiles> {
  const out: InputFiles = { files: [], skipped: [], unreadable: [] };
  for (const input of inputs) {
    try {
      const info = await stat(input);
      if (info.isDirectory()) await walk(input, out);
      else out.files.push(input);
    } catch (error) {
      out.unreadable.push({ path: input, error });
    }
  }
  return out;
}
