import { sniff, type FileKind } from '../extract/sniff.js';
import { kindOfName, type LinkKind } from './links.js';

/** The longest server-given file name kept (for people to read; never used as a path). */
const MAX_NAME = 240;

/** Bytes as UTF-8 when they are valid UTF-8, else as GB18030 (a superset of GBK): what Chinese servers send raw. */
function decodeRaw(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** A name fit to show: its last path segment, no control characters, bounded. */
function tidy(name: string): string | null {
  const last = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = last.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, MAX_NAME);
  return clean === '' || clean === '.' || clean === '..' ? null : clean;
}

/**
 * The file name a Content-Disposition header gives (RFC 6266): `filename*=UTF-8''…` (RFC 8187,
 * percent-encoded) wins over `filename="…"`; a plain `filename` may hold raw GBK or UTF-8 bytes
 * (the header arrives as Latin-1 characters, one a byte) or be percent-encoded, as Chinese CMSs
 * write it. Null when there is none.
 */
export function dispositionName(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*([\w!#$&+.^`|~-]+)'[\w-]*'([^;\s]+)/i.exec(header);
  if (extended) {
    const [, charset, value] = extended;
    const bytes = Buffer.from(value!.replace(/%([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    try {
      const name = new TextDecoder(/^utf-?8$/i.test(charset!) ? 'utf-8' : charset!.toLowerCase()).decode(bytes);
      return tidy(name);
    } catch {
      return tidy(decodeRaw(bytes));
    }
  }
  const plain = /(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header);
  if (!plain) return null;
  let value = (plain[1] ?? plain[2] ?? '').replace(/\\(.)/g, '$1').trim();
  if (/%[0-9a-f]{2}/i.test(value)) {
    const bytes = Buffer.from(value.replace(/%([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    value = bytes.toString('latin1');
  }
  // Characters above U+00FF mean the client already decoded it; else each character is one raw byte.
  return tidy([...value].some((c) => c.charCodeAt(0) > 0xff) ? value : decodeRaw(Buffer.from(value, 'latin1')));
}

/** Content types that say what a download is. */
const CONTENT_TYPES: Array<[RegExp, LinkKind]> = [
  [/^application\/pdf\b/, 'pdf'],
  [/^application\/(vnd\.ms-excel|vnd\.openxmlformats-officedocument\.spreadsheetml|vnd\.ms-excel\.sheet|kset|x-excel)/, 'spreadsheet'],
  [/^application\/(msword|vnd\.openxmlformats-officedocument\.wordprocessingml|kswps|vnd\.ms-word)/, 'word'],
  [/^application\/(zip|x-zip-compressed|x-rar-compressed|vnd\.rar|x-rar|x-7z-compressed)\b/, 'archive'],
  [/^application\/ofd\b/, 'ofd'],
  [/^image\/(png|jpeg|tiff)\b/, 'image'],
  [/^text\/(plain|tab-separated-values)\b/, 'text'],
  [/^(text\/html|application\/xhtml\+xml)\b/, 'page'],
];

/** What sniffed bytes are, as a link kind. */
const BYTES: Record<FileKind, LinkKind> = {
  pdf: 'pdf', xlsx: 'spreadsheet', xls: 'spreadsheet', docx: 'word', doc: 'word', mhtml: 'word', zip: 'archive', '7z': 'archive', rar: 'archive',
  ofd: 'ofd', ole: 'unsupported', html: 'page', image: 'image', text: 'text',
};

export interface Download {
  kind: LinkKind;
  /** The server's name for it, decoded (kept on the source row for people; never a path). */
  fileName: string | null;
}

/**
 * What an answer to a link whose path does not say (`downfile.jsp?…`, `download.do?iid=12`,
 * `/attach/0/<hex>`) is: by its Content-Disposition file name, then its Content-Type, then its
 * bytes. `page` when it is an HTML page to read for links.
 */
export function downloadOf(headers: Headers, body: Buffer): Download {
  const disposition = headers.get('content-disposition');
  const fileName = dispositionName(disposition);
  const byName = fileName === null ? null : kindOfName(fileName);
  if (byName !== null && byName !== 'page') return { kind: byName, fileName };
  const type = (headers.get('content-type') ?? '').toLowerCase().trim();
  const byType = CONTENT_TYPES.find(([re]) => re.test(type))?.[1];
  // An attachment disposition is a download even when its type claims HTML (an error page is then told by its bytes).
  if (byType !== undefined && !(byType === 'page' && /^\s*attachment/i.test(disposition ?? ''))) return { kind: byType, fileName };
  return { kind: BYTES[sniff(body)], fileName };
}
