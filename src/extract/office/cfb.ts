import { createRequire } from 'node:module';
import { DocumentError } from '../errors.js';

/** An OLE compound file (Office 97: .doc, .xls, .wps), as SheetJS 0.20.3's reader gives it. */
export interface CompoundFile { FullPaths: string[]; FileIndex: Array<{ name: string; content: Uint8Array | number[] | null }> }

interface CfbReader { read(data: Uint8Array, options: { type: 'buffer' }): CompoundFile }
/** The compound-file reader inside SheetJS (the one that reads .xls). */
const reader = (): CfbReader => (createRequire(import.meta.url)('@e965/xlsx') as { CFB: CfbReader }).CFB;

/** The compound file in `bytes`; `what` names the file in the one-line error when it is unreadable. */
export function openCompoundFile(bytes: Uint8Array, what: string): CompoundFile {
  try {
    return reader().read(bytes, { type: 'buffer' });
  } catch (error) {
    throw new DocumentError(`not a readable ${what}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/**
 * Names of the top-level content streams: not those of embedded objects (in storages below), nor
 * metadata, whose names start with a control character (\x05SummaryInformation, \x01CompObj).
 */
export function topLevelStreams(file: CompoundFile): string[] {
  return file.FullPaths.filter((path) => path.split('/').length === 2 && !path.endsWith('/'))
    .map((path) => path.slice(path.indexOf('/') + 1)).filter((name) => name.charCodeAt(0) >= 0x20);
}

/** A top-level stream's bytes, or null. */
export function topLevelStream(file: CompoundFile, name: string): Buffer | null {
  const index = file.FullPaths.findIndex((path) => path.split('/').length === 2 && path.endsWith(`/${name}`));
  const content = index < 0 ? null : file.FileIndex[index]?.content;
  if (!content) return null;
  // A damaged file's stream can come back as a plain array of bytes.
  return content instanceof Uint8Array ? Buffer.from(content.buffer, content.byteOffset, content.byteLength) : Buffer.from(content);
}
