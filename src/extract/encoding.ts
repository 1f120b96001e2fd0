import { DocumentError } from './errors.js';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

export interface DecodedText {
  encoding: TextEncodingName;
  text: string;
}

function decodeStrict(bytes: Uint8Array, encoding: TextEncodingName): string | null {
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * UTF-16 without a BOM: ASCII tabs and line breaks (and the many ASCII digits of these forms)
 * come out as a byte followed (LE) or preceded (BE) by a zero byte.
 */
function sniffUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  if (bytes.length < 4 || bytes.length % 2 !== 0) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  const n = Math.min(bytes.length, 64 * 1024);
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros > pairs * 0.2 && evenZeros < pairs * 0.05) return 'utf-16le';
  if (evenZeros > pairs * 0.2 && oddZeros < pairs * 0.05) return 'utf-16be';
  return null;
}

/** Share of characters that never occur in a text report (C0/C1 controls other than tab, CR, LF, FF). */
function controlShare(text: string): number {
  if (text.length === 0) return 0;
  let bad = 0;
  const n = Math.min(text.length, 64 * 1024);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || (c >= 0x7f && c < 0xa0) || c === 0xfffd) bad++;
  }
  return bad / n;
}

/**
 * Decode a text report whatever it was saved as: UTF-8 with or without BOM, UTF-16 (BOM or
 * sniffed), or GB18030 (which covers GBK and GB2312). Binary data is refused with a clear error.
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  if (bytes.length === 0) throw new DocumentError('empty file (0 bytes)');
  // Text of an encoding, when it decodes and reads as text.
  const decoded = (body: Uint8Array, encoding: TextEncodingName): DecodedText | null => {
    const text = decodeStrict(body, encoding);
    return text !== null && controlShare(text) < 0.001 ? { encoding, text } : null;
  };
  let candidate: DecodedText | null = null;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    candidate = decoded(bytes.subarray(3), 'utf-8');
  } else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    candidate = decoded(bytes.subarray(2), 'utf-16le');
  } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    candidate = decoded(bytes.subarray(2), 'utf-16be');
  } else {
    const utf16 = sniffUtf16(bytes);
    const order: TextEncodingName[] = utf16 ? [utf16, 'utf-8', 'gb18030'] : ['utf-8', 'gb18030'];
    for (const encoding of order) {
      candidate = decoded(bytes, encoding);
      if (candidate !== null) break;
    }
  }
  if (candidate === null) throw new DocumentError('not a text document (binary data or unknown encoding)');
  return candidate;
}
