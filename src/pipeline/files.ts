import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isSupportedFile } from '../extract/index.js';
import { InputError } from './input.js';

export interface InputFiles {
  /** Regular files to extract, in a stable order. */
  files: string[];
  /** Files inside given directories that zipin does not read (left alone, counted in the summary). */
  skipped: string[];
  /** Inputs that do not exist, cannot be listed or are not regular files: recorded as failed documents. */
  unreadable: Array<{ path: string; error: unknown }>;
}

/**
 * A directory, recursively. Symbolic links are followed (to files and to directories), each
 * directory read once by its real path, so a link loop ends instead of running forever.
 */
async function walk(dir: string, out: InputFiles, visited: Set<string>): Promise<void> {
  let entries;
  try {
    const real = await realpath(dir);
    if (visited.has(real)) return;
    visited.add(real);
    entries = await readdir(dir);
  } catch (error) {
    out.unreadable.push({ path: dir, error });
    return;
  }
  entries.sort();
  for (const name of entries) await visit(join(dir, name), out, visited, false);
}

async function visit(path: string, out: InputFiles, visited: Set<string>, named: boolean): Promise<void> {
  let info;
  try {
    info = await stat(path); // follows a symbolic link
  } catch (error) {
    // A link to nothing inside a folder is named, not silently dropped.
    out.unreadable.push({ path, error });
    return;
  }
  if (info.isDirectory()) await walk(path, out, visited);
  else if (!named && !isSupportedFile(path)) out.skipped.push(path);
  // Only regular files are read: a FIFO would block, /dev/zero would never end.
  else if (!info.isFile()) out.unreadable.push({ path, error: new InputError('not a regular file') });
  else out.files.push(path);
}

/**
 * Expand the command line's files and directories. A file named explicitly is always tried
 * (and fails clearly if it is not a supported kind); inside directories only supported files
 * are picked, recursively.
 */
export async function collectInputs(inputs: readonly string[]): Promise<InputFiles> {
  const out: InputFiles = { files: [], skipped: [], unreadable: [] };
  const visited = new Set<string>();
  for (const input of inputs) await visit(input, out, visited, true);
  return out;
}
