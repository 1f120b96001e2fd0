/** Scanned pages as image files: PNG, JPEG (through pdf.js's own decoder) and TIFF (each page of a multi-page file). */
export type ImageKind = 'png' | 'jpeg' | 'tiff';

export function imageKind(bytes: Uint8Array): ImageKind | null {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if ((bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 0x2a && bytes[3] === 0) || (bytes[0] === 0x4d && bytes[1] === 0x4d && bytes[2] === 0 && bytes[3] === 0x2a)) return 'tiff';
  return null;
}

/** What a file is, by its bytes — never by its name alone (attachments are often misnamed). */
export type FileKind = 'pdf' | 'xlsx' | 'xls' | 'docx' | 'doc' | 'ofd' | 'zip' | '7z' | 'rar' | 'ole' | 'mhtml' | 'html' | 'image' | 'text';

const has = (bytes: Uint8Array, text: string, encoding: BufferEncoding = 'latin1') => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(Buffer.from(text, encoding));

export function sniff(bytes: Uint8Array): FileKind {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  if (head.includes('%PDF-')) return 'pdf';
  if (imageKind(bytes) !== null) return 'image';
  // ZIP (OOXML and archives): the member names stand in plain text in the local headers.
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    if (has(bytes, 'xl/workbook')) return 'xlsx';
    if (has(bytes, 'word/document')) return 'docx';
    if (has(bytes, 'OFD.xml') || has(bytes, 'ofd.xml')) return 'ofd';
    return 'zip';
  }
  // 7z: '7z¼¯' 27 1C; RAR 4 and 5: 'Rar!' 1A 07 (00 | 01 00).
  if (bytes[0] === 0x37 && bytes[1] === 0x7a && bytes[2] === 0xbc && bytes[3] === 0xaf && bytes[4] === 0x27 && bytes[5] === 0x1c) return '7z';
  if (bytes[0] === 0x52 && bytes[1] === 0x61 && bytes[2] === 0x72 && bytes[3] === 0x21 && bytes[4] === 0x1a && bytes[5] === 0x07) return 'rar';
  // OLE compound file (Excel 97, Word 97, WPS): stream names are UTF-16 in its directory.
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    if (has(bytes, 'Workbook', 'utf16le') || has(bytes, 'Book', 'utf16le')) return 'xls';
    if (has(bytes, 'WordDocument', 'utf16le')) return 'doc';
    return 'ole';
  }
  // A web archive (Word's or Excel's "single file web page", often published as .doc/.xls).
  if (/^MIME-Version:\s*1\.0/im.test(head) && /multipart\/related/i.test(head)) return 'mhtml';
  const start = Buffer.from(bytes.subarray(0, 2048)).toString('utf8').replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (/^(<!doctype html|<html|<head|<body|<meta|<table|<!--)/.test(start) || /<(html|body|table)\b/.test(start.slice(0, 1024))) return 'html';
  return 'text';
}
