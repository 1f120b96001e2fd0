import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isSupportedFile } from '../extract/index.js';
import { sniff, type FileKind } from '../extract/sniff.js';
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

/** Kinds a file's first bytes prove, whatever its name: a PDF saved as `report`, an archive as `附件.dat`. (Text and HTML prove nothing: every source file is text.) */
const PROVEN: ReadonlySet<FileKind> = new Set(['pdf', 'ofd', 'xlsx', 'xls', 'docx', 'doc', 'zip', '7z', 'rar', 'image', 'mhtml']);
/** How much of a file is read to tell what it is. */
const HEAD = 64 * 1024;

/** Whether a file with a name zipin does not know is one it reads, by its first bytes. */
async function readable(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(HEAD), 0, HEAD, 0);
    return bytesRead > 0 && PROVEN.has(sniff(buffer.subarray(0, bytesRead)));
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
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
  else if (!named && !isSupportedFile(path) && !(info.isFile() && await readable(path))) out.skipped.push(path);
  // Only regular files are read: a FIFO would block, /dev/zero would never end.
  else if (!info.isFile()) out.unreadable.push({ path, error: new InputError('not a regular file') });
  else out.files.push(path);
}

/**
 * Expand the command line's files and directories. A file named explicitly is always tried
 * (and fails clearly if it is not a supported kind); inside directories, recursively, files
 * named as a kind zipin reads, and files whose first bytes show one whatever their name.
 */
export async function collectInputs(inputs: readonly string[]): Promise<InputFiles> {
  const out: InputFiles = { files: [], skipped: [], unreadable: [] };
  const visited = new Set<string>();
  for (const input of inputs) await visit(input, out, visited, true);
  return out;
}
