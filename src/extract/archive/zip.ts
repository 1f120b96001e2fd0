import { inflateRawSync } from 'node:zlib';
import { DocumentError } from '../errors.js';

/** One member of a ZIP archive, read lazily and boundedly. */
export interface ZipMember {
  /** Its path in the archive, decoded (UTF-8 when flagged or valid, else GB18030 as Chinese tools write). */
  name: string;
  size: number;
  read(): Buffer;
}

/** Bounds against archive bombs: members, total and per-member inflated bytes, compression ratio. */
export interface ZipLimits {
  maxMembers: number;
  maxTotalBytes: number;
  maxMemberBytes: number;
  maxRatio: number;
}

export const ZIP_LIMITS: ZipLimits = { maxMembers: 2000, maxTotalBytes: 512 * 1024 * 1024, maxMemberBytes: 256 * 1024 * 1024, maxRatio: 1000 };

/** The files a 7z or RAR archive declares (its listing, its headers), held to the bounds before anything is unpacked; a bound hit is a DocumentError saying which. */
export function checkDeclared(files: ReadonlyArray<{ name: string; size: number; packed: number | null }>, limits: ZipLimits): void {
  if (files.length > limits.maxMembers) throw new DocumentError(`archive too large: ${files.length} members (limit ${limits.maxMembers})`);
  let total = 0;
  for (const f of files) {
    total += f.size;
    if (f.size > limits.maxMemberBytes) throw new DocumentError(`archive member too large: ${f.name} unpacks to ${f.size} bytes (limit ${limits.maxMemberBytes})`);
    if (total > limits.maxTotalBytes) throw new DocumentError(`archive too large: over ${limits.maxTotalBytes} bytes unpacked`);
    if (f.packed !== null && f.packed > 0 && f.size / f.packed > limits.maxRatio) throw new DocumentError(`archive member ${f.name} compresses ${Math.round(f.size / f.packed)}:1 (limit ${limits.maxRatio}:1): a bomb?`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const gb = new TextDecoder('gb18030');

function decodeName(bytes: Buffer, flaggedUtf8: boolean): string {
  if (flaggedUtf8) return bytes.toString('utf8');
  try {
    return utf8.decode(bytes);
  } catch {
    return gb.decode(bytes);
  }
}

/**
 * The members of a ZIP archive from its central directory. Nothing is inflated until a member is
 * read, and then never more than its declared size: a member that inflates past it, a ratio over
 * the limit, too many members or too many bytes in all fail with the bound that was hit.
 */
export function readZip(bytes: Buffer, limits: ZipLimits = ZIP_LIMITS): ZipMember[] {
  // The end-of-central-directory record sits in the last 64 KiB (after an optional comment).
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65_557); i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new DocumentError('not a valid ZIP archive (no central directory: truncated?)');
  const count = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);
  if (count > limits.maxMembers) throw new DocumentError(`archive too large: ${count} members (limit ${limits.maxMembers})`);
  const members: ZipMember[] = [];
  let total = 0;
  for (let k = 0; k < count; k++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) throw new DocumentError('not a valid ZIP archive (broken central directory)');
    const flags = bytes.readUInt16LE(at + 8);
    const method = bytes.readUInt16LE(at + 10);
    const compressed = bytes.readUInt32LE(at + 20);
    const size = bytes.readUInt32LE(at + 24);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const offset = bytes.readUInt32LE(at + 42);
    const name = decodeName(bytes.subarray(at + 46, at + 46 + nameLength), (flags & 0x800) !== 0);
    at += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue; // a folder
    total += size;
    if (size > limits.maxMemberBytes) throw new DocumentError(`archive member too large: ${name} inflates to ${size} bytes (limit ${limits.maxMemberBytes})`);
    if (total > limits.maxTotalBytes) throw new DocumentError(`archive too large: over ${limits.maxTotalBytes} bytes inflated`);
    if (compressed > 0 && size / compressed > limits.maxRatio) throw new DocumentError(`archive member ${name} compresses ${Math.round(size / compressed)}:1 (limit ${limits.maxRatio}:1): a bomb?`);
    members.push({
      name, size,
      read: () => {
        if ((flags & 1) !== 0) throw new DocumentError(`archive member ${name} is encrypted`);
        if (offset + 30 > bytes.length || bytes.readUInt32LE(offset) !== 0x04034b50) throw new DocumentError(`archive member ${name}: broken local header`);
        const start = offset + 30 + bytes.readUInt16LE(offset + 26) + bytes.readUInt16LE(offset + 28);
        const data = bytes.subarray(start, start + compressed);
        if (method === 0) return Buffer.from(data.subarray(0, size));
        if (method !== 8) throw new DocumentError(`archive member ${name}: compression method ${method} is not supported`);
        try {
          return inflateRawSync(data, { maxOutputLength: Math.max(1, size) });
        } catch (error) {
          throw new DocumentError(`archive member ${name} does not inflate to its declared ${size} bytes (${(error as Error).message})`);
        }
      },
    });
  }
  return members;
}
