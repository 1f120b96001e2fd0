import { DocumentError } from '../errors.js';
import { checkDeclared, ZIP_LIMITS, type ZipLimits, type ZipMember } from './zip.js';

/**
 * RAR archives (4 and 5), read by node-unrar-js: RARLAB's own unrar compiled to WebAssembly,
 * extracting into memory with no file system in between. The headers are read first and checked
 * against the same bounds as a ZIP's; then the files are extracted one after another, each
 * member's bytes handed over as they come. An encrypted archive (its headers, or any file in it)
 * is refused in one line; no password is ever asked for.
 */

const ENCRYPTED = 'encrypted: needs a password';

/** unrar's reasons in words. */
const REASONS: Record<string, string> = {
  ERAR_BAD_ARCHIVE: 'not a valid RAR archive', ERAR_UNKNOWN_FORMAT: 'not a RAR archive zipin can read', ERAR_BAD_DATA: 'the archive is damaged (CRC error)',
  ERAR_EREAD: 'the archive is truncated', ERAR_NO_MEMORY: 'not enough memory to unpack it',
};

function failure(error: unknown): DocumentError {
  const reason = (error as { reason?: string }).reason ?? '';
  if (reason === 'ERAR_MISSING_PASSWORD' || reason === 'ERAR_BAD_PASSWORD') return new DocumentError(ENCRYPTED);
  return new DocumentError(`cannot read RAR archive: ${REASONS[reason] ?? (error as Error).message.split('\n')[0]}`);
}

export async function readRar(bytes: Uint8Array, limits: ZipLimits = ZIP_LIMITS): Promise<ZipMember[]> {
  const { createExtractorFromData } = await import('node-unrar-js');
  const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let names: string[];
  let extractor: Awaited<ReturnType<typeof createExtractorFromData>>;
  try {
    extractor = await createExtractorFromData({ data });
    const list = extractor.getFileList();
    if (list.arcHeader.flags.headerEncrypted) throw new DocumentError(ENCRYPTED);
    const headers = [...list.fileHeaders];
    if (headers.length === 0) throw new DocumentError('cannot read RAR archive: no files in it (truncated?)');
    const files = headers.filter((h) => !h.flags.directory);
    if (files.some((h) => h.flags.encrypted)) throw new DocumentError(ENCRYPTED);
    checkDeclared(files.map((h) => ({ name: h.name, size: h.unpSize, packed: h.packSize })), limits);
    names = files.map((h) => h.name);
  } catch (error) {
    throw error instanceof DocumentError ? error : failure(error);
  }
  // One extraction for all (a solid archive unpacks in order); each member's bytes kept until read.
  const extracted = new Map<string, Uint8Array>();
  try {
    for (const file of extractor.extract({ files: names }).files) {
      if (file.extraction) extracted.set(file.fileHeader.name, file.extraction);
    }
  } catch (error) {
    throw failure(error);
  }
  return names.filter((n) => extracted.has(n)).sort().map((name) => {
    const bytes = extracted.get(name)!;
    return {
      name, size: bytes.length,
      read: () => {
        extracted.delete(name);
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      },
    };
  });
}
