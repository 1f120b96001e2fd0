import { DocumentError } from '../errors.js';
import { checkDeclared, ZIP_LIMITS, type ZipLimits, type ZipMember } from './zip.js';

/**
 * 7z archives, read by 7-Zip itself compiled to WebAssembly (7z-wasm: 7-Zip 24.09, the reference
 * code, no native build, nothing downloaded at install) in an in-memory file system of its own:
 * the archive is listed first and its members' declared sizes checked against the same bounds as
 * a ZIP's (members, total and per-member bytes, ratio), then extracted. An encrypted archive is
 * refused in one line, never asked a password for. (RAR goes to rar.ts: unrar itself, lighter.)
 */

interface SevenZipModule {
  FS: {
    writeFile(path: string, data: Uint8Array): void;
    readFile(path: string): Uint8Array;
    unlink(path: string): void;
    readdir(path: string): string[];
    stat(path: string): { mode: number; size: number };
    isDir(mode: number): boolean;
    mkdir(path: string): void;
  };
  callMain(args: string[]): number | undefined;
}

type Factory = (options: Record<string, unknown>) => Promise<SevenZipModule>;

/** A password nobody sets: 7-Zip would otherwise stop and ask for one on an encrypted archive. */
const NO_PASSWORD = '-pzipin-has-no-password';

const ENCRYPTED = 'encrypted: needs a password';

/**
 * Whether a 7z archive hides its names behind a password (`-mhe`): its header is an encoded one
 * (0x17) whose coder is AES-256 (06 F1 07 01). 7-Zip in WebAssembly cannot say so itself: asked
 * with a wrong password, it stops without a message.
 */
function hidesNames(bytes: Uint8Array): boolean {
  if (bytes.length < 32) return false;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offset = Number(view.readBigUInt64LE(12));
  const size = Number(view.readBigUInt64LE(20));
  const start = 32 + offset;
  if (!Number.isSafeInteger(start) || size <= 0 || size > 1 << 20 || start + size > view.length) return false;
  const header = view.subarray(start, start + size);
  return header[0] === 0x17 && header.includes(Buffer.from([0x06, 0xf1, 0x07, 0x01]));
}

/** One 7-Zip run: its exit code and what it printed (UTF-8). */
function run(module: SevenZipModule, out: number[], args: string[]): { code: number; text: string } {
  out.length = 0;
  let code = 0;
  try {
    code = module.callMain(args) ?? 0;
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    code = typeof status === 'number' ? status : 2;
  }
  return { code, text: Buffer.from(out).toString('utf8') };
}

interface Listed {
  path: string;
  size: number;
  packed: number | null;
  folder: boolean;
  encrypted: boolean;
}

/** `7z l -slt` output → its entries (the archive's own block, which names the archive, comes first and has no Size). */
function entries(text: string): Listed[] {
  const listed: Listed[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    const fields = new Map<string, string>();
    for (const line of block.split(/\r?\n/)) {
      const at = line.indexOf(' = ');
      if (at > 0) fields.set(line.slice(0, at), line.slice(at + 3));
    }
    const path = fields.get('Path');
    if (path === undefined || !fields.has('Size')) continue;
    listed.push({
      path, size: Number(fields.get('Size')) || 0, packed: fields.get('Packed Size') ? Number(fields.get('Packed Size')) : null,
      folder: fields.get('Folder') === '+' || (fields.get('Attributes') ?? '').startsWith('D'), encrypted: fields.get('Encrypted') === '+',
    });
  }
  return listed;
}

/** The members of a 7z or RAR archive (`kind` names it in errors), bounded like a ZIP's; each read from memory once extracted. */
export async function readSevenZip(bytes: Uint8Array, limits: ZipLimits = ZIP_LIMITS): Promise<ZipMember[]> {
  const kind = '7z';
  const { default: SevenZip } = (await import('7z-wasm')) as unknown as { default: Factory };
  const out: number[] = [];
  const module = await SevenZip({ stdout: (c: number | null) => { if (c !== null) out.push(c & 0xff); }, stderr: (c: number | null) => { if (c !== null) out.push(c & 0xff); } });
  if (hidesNames(bytes)) throw new DocumentError(ENCRYPTED);
  module.FS.writeFile('/archive', bytes);
  const listing = run(module, out, ['l', '-slt', '-sccUTF-8', NO_PASSWORD, '/archive']);
  if (/Wrong password|Can not open encrypted archive|encrypted/i.test(listing.text) && listing.code !== 0) throw new DocumentError(ENCRYPTED);
  if (listing.code !== 0) {
    const why = listing.text.split(/\r?\n/).find((l) => /^(ERROR|Error|Can not open|Unexpected end|Headers Error)/.test(l.trim())) ?? 'not a valid archive';
    throw new DocumentError(`cannot read ${kind} archive: ${why.trim().replace(/^ERROR:\s*/i, '').replace(/\/archive\s*:?\s*/, '')}`);
  }
  const files = entries(listing.text).filter((e) => !e.folder);
  if (files.some((e) => e.encrypted)) throw new DocumentError(ENCRYPTED);
  checkDeclared(files.map((f) => ({ name: f.path, size: f.size, packed: f.packed })), limits);
  const total = files.reduce((n, f) => n + f.size, 0);
  // Solid archives pack their members together: the whole archive's ratio is the bound there.
  if (bytes.length > 0 && total / bytes.length > limits.maxRatio) throw new DocumentError(`archive unpacks ${Math.round(total / bytes.length)}:1 (limit ${limits.maxRatio}:1): a bomb?`);
  module.FS.mkdir('/out');
  const extracted = run(module, out, ['x', '-y', '-sccUTF-8', NO_PASSWORD, '-o/out', '/archive']);
  if (extracted.code !== 0 && /Wrong password|encrypted/i.test(extracted.text)) throw new DocumentError(ENCRYPTED);
  if (extracted.code > 1) throw new DocumentError(`cannot unpack ${kind} archive: ${extracted.text.split(/\r?\n/).find((l) => /ERROR|Error/.test(l))?.trim() ?? `7-Zip exit code ${extracted.code}`}`);
  module.FS.unlink('/archive');
  const members: ZipMember[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const name of module.FS.readdir(dir).sort()) {
      if (name === '.' || name === '..') continue;
      const path = `${dir}/${name}`;
      const stat = module.FS.stat(path);
      if (module.FS.isDir(stat.mode)) walk(path, `${prefix}${name}/`);
      else {
        // Read once: the file system's copy goes as it is handed over (memory is one copy a member, not three).
        members.push({
          name: `${prefix}${name}`, size: stat.size,
          read: () => {
            const data = module.FS.readFile(path);
            module.FS.unlink(path);
            return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
          },
        });
      }
    }
  };
  walk('/out', '');
  return members;
}
