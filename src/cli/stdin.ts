import { sniff } from '../extract/sniff.js';
import { MAX_FILE_BYTES } from '../pipeline/input.js';
import { UsageError } from './args.js';

/** The argument that names standard input. */
export const STDIN = '-';

/** All of standard input, at most MAX_FILE_BYTES (the bound every file has). */
export async function readStdin(max = MAX_FILE_BYTES): Promise<Buffer> {
  if (process.stdin.isTTY) throw new UsageError('"-" reads a file from standard input, but standard input is a terminal');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > max) throw new UsageError(`standard input is too large (over ${max} bytes)`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const EXTENSIONS = { pdf: 'pdf', xlsx: 'xlsx', xls: 'xls', docx: 'docx', doc: 'doc', ofd: 'ofd', zip: 'zip', '7z': '7z', rar: 'rar', ole: 'doc', mhtml: 'mht', html: 'html', image: 'png', text: 'txt' } as const;

/** A file name for bytes from standard input that makes them read as what they are (and raises no "misnamed" flag). */
export function stdinName(bytes: Uint8Array): string {
  return `stdin.${EXTENSIONS[sniff(bytes)]}`;
}
