import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../src/extract/encoding.js';
import { DocumentError, extract } from '../src/extract/index.js';
import { FORM_SENSE } from '../src/form/sense.js';
import { extractText } from '../src/extract/text.js';
import { corpusFile, DOCS, FIXTURES } from './helpers.js';

const utf8 = readFileSync(corpusFile(DOCS.guihua));
const text = utf8.toString('utf8');

function utf16be(s: string): Buffer {
  const le = Buffer.from(s, 'utf16le');
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) {
    be[i] = le[i + 1]!;
    be[i + 1] = le[i]!;
  }
  return be;
}

describe('decodeText', () => {
  it.each([
    ['UTF-8', utf8, 'utf-8'],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]), 'utf-8'],
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 'utf-16le'],
    ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]), 'utf-16be'],
    ['UTF-16LE without BOM', Buffer.from(text, 'utf16le'), 'utf-16le'],
    ['GB18030', readFileSync(join(FIXTURES, '003.gb18030.txt')), 'gb18030'],
  ])('reads %s', (_name, bytes, encoding) => {
    const decoded = decodeText(bytes);
    expect(decoded.encoding).toBe(encoding);
    expect(decoded.text).toBe(text);
  });

  it('refuses an empty file', () => {
    expect(() => decodeText(new Uint8Array())).toThrow(new DocumentError('empty file (0 bytes)'));
  });

  it('refuses binary data', () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    expect(() => decodeText(garbage)).toThrow(/not a text document/);
  });
});

describe('extractText', () => {
  it('keeps 1-based line numbers, drops blank lines and splits cells on tabs', () => {
    const doc = extractText(utf8);
    expect(doc.format).toBe('text');
    expect(doc.rows[0]).toEqual({ line: 3, page: null, cells: ['项目支出绩效自评表'], positions: 'inferred', spans: null, table: null });
    const row = doc.rows.find((r) => r.line === 5)!;
    expect(row.cells).toEqual(['项目名称', '不动产及房地产业务运维', '', '', '项目金额', '4362600', '', '', '']);
  });

  it('collapses whitespace inside cells', () => {
    const doc = extractText(Buffer.from('年度总体  目标\t 预期目标 \r\n'));
    expect(doc.rows[0]!.cells).toEqual(['年度总体 目标', '预期目标']);
  });

  it('dispatches by content and name', async () => {
    await expect(extract(Buffer.from('%PDF-1.7\n'), 'x.pdf', FORM_SENSE)).rejects.toThrow(new DocumentError('not a valid PDF (corrupt or truncated)'));
    await expect(extract(Buffer.from('hello'), 'x.docx', FORM_SENSE)).rejects.toThrow(/^not a Word document: the file named \.docx holds text or unknown data$/);
    await expect(extract(Buffer.from('<!DOCTYPE html><html>404</html>'), 'x.pdf', FORM_SENSE)).rejects.toThrow(/HTML page/);
    expect((await extract(readFileSync(corpusFile(DOCS.guihua)), 'renamed.dat.txt', FORM_SENSE)).format).toBe('text');
  });
});
