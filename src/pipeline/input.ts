import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

/** The largest input file zipin reads (a form report is a few MB; this leaves room for scans). */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** Why an input file could not be read, in one line. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/**
 * The bytes of a regular file, and nothing else: a FIFO, a device (`/dev/zero`), a socket or a
 * directory is refused before a byte is read, so no input can block the reader or grow memory
 * without end. Opened non-blocking and checked on the open descriptor, so the file cannot be
 * swapped for something else between the check and the read.
 */
export function readRegularFile(path: string, maxBytes = MAX_FILE_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new InputError(`cannot read file: ${errnoReason(error)}`);
  }
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) throw new InputError('cannot read file: is a directory');
    if (!info.isFile()) throw new InputError('not a regular file');
    if (info.size > maxBytes) throw new InputError(`too large: ${info.size} bytes (limit ${maxBytes})`);
    const bytes = Buffer.allocUnsafe(info.size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break; // truncated while being read
      read += n;
    }
    return read === bytes.length ? bytes : bytes.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/**
 * SHA-256 of a regular file, read without blocking this thread (null when it is not one, or
 * cannot be read): how a document that failed before its worker said its hash is still keyed.
 */
export async function hashRegularFile(path: string, maxBytes = MAX_FILE_BYTES): Promise<string | null> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile() || info.size > maxBytes) return null;
    const hash = createHash('sha256');
    for await (const chunk of handle.createReadStream({ autoClose: false })) hash.update(chunk as Buffer);
    return hash.digest('hex');
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

/** An errno as words a person running zipin understands. */
export function errnoReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  if (code === 'ENAMETOOLONG') return 'file name too long';
  if (code === 'EEXIST') return 'already exists (and is not a folder)';
  if (code === 'ENOTDIR') return 'a part of the path is a file, not a folder';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EROFS') return 'read-only file system';
  // Node's own wording, without its "ECODE: " prefix and the path it repeats.
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.replace(/^E[A-Z]+: /, '').replace(/, \w+ '[^']*'$/, '').trim() || 'unknown error';
}
