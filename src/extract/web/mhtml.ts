import { DocumentError } from '../errors.js';

/**
 * A web archive (MHTML: `.mht`, and Word's or Excel's "single file web page", which sites often
 * publish named `.doc` or `.xls`) → its HTML part, undone from its transfer encoding, and the
 * charset the part declares. Pictures and styles in the other parts are not needed.
 */
export function mhtmlHtml(bytes: Uint8Array): { html: Buffer; charset: string | null } {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const { headers, body } = splitHeaders(text);
  const boundary = param(headers['content-type'] ?? '', 'boundary');
  if (boundary === null) throw new DocumentError('not a readable web archive (MHTML): no multipart boundary');
  for (const part of body.split(`--${boundary}`).slice(1)) {
    if (part.startsWith('--')) break; // the closing delimiter
    const { headers: h, body: content } = splitHeaders(part.replace(/^\r?\n/, ''));
    const type = h['content-type'] ?? 'text/plain';
    if (!/^\s*text\/html/i.test(type)) continue;
    return { html: decode(content, (h['content-transfer-encoding'] ?? '7bit').trim().toLowerCase()), charset: param(type, 'charset') };
  }
  throw new DocumentError('not a readable web archive (MHTML): it holds no HTML part');
}

/** RFC 5322 headers (folded lines unfolded, names lower-cased) and what follows the blank line. */
function splitHeaders(text: string): { headers: Record<string, string>; body: string } {
  const end = /\r?\n\r?\n/.exec(text);
  const head = end ? text.slice(0, end.index) : text;
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] ??= line.slice(colon + 1).trim();
  }
  return { headers, body: end ? text.slice(end.index + end[0].length) : '' };
}

/** A parameter of a header value (`boundary="----=_NextPart_01D…"`, `charset=gb2312`). */
function param(value: string, name: string): string | null {
  const m = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

/** A part's bytes (`content` read as latin1, one character a byte) without its transfer encoding. */
function decode(content: string, encoding: string): Buffer {
  if (encoding === 'base64') return Buffer.from(content.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (encoding === 'quoted-printable') {
    return Buffer.from(content.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
  }
  return Buffer.from(content, 'latin1');
}
