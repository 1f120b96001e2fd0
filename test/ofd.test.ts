import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extract } from '../src/extract/index.js';
import { deltas } from '../src/extract/ofd/content.js';
import type { PageTrace } from '../src/extract/pdf/pdf.js';
import { FORM_SENSE } from '../src/form/sense.js';
import type { ValidatedEvaluation } from '../src/model/evaluation.js';
import { processDocument } from '../src/pipeline/process.js';
import { PACKAGE_ROOT } from '../src/version.js';
import { agreementShare, FIXTURES, queryDb, tempDir, zipinAsync } from './helpers.js';
import { writeOfd, type OfdStyle } from './ofd-writer.js';

/** A PDF fixture's records, and the same pages written as an OFD in `style`, read back. */
async function both(name: string, style: OfdStyle) {
  const bytes = readFileSync(join(FIXTURES, name));
  const trace: PageTrace[] = [];
  await extract(bytes, name, FORM_SENSE, trace);
  const pdf = await processDocument(bytes, name);
  const ofd = await processDocument(writeOfd(trace, style), name.replace(/\.pdf$/, '.ofd'));
  return { pdf, ofd };
}

const STYLES: OfdStyle[] = ['points', 'millimetres'];

describe('OFD: the corpus forms and other regions\' forms written by two producers', () => {
  it.each(STYLES.flatMap((s) => ['003_e7112b8e4e2d84a4.calc.pdf', '004_7f468a29561a31e4.blocks-16-17.writer.pdf', '000_53bb5e2acbd336ec.blocks-4-5.writer.pdf'].map((f) => [f, s])))(
    'the corpus\'s %s in the %s style: at least 99 in 100 fields as the PDF gives them', async (name, style) => {
      const { pdf, ofd } = await both(name, style as OfdStyle);
      expect(ofd.document).toMatchObject({ format: 'ofd', status: 'ok' });
      expect(ofd.evaluations.length).toBe(pdf.evaluations.length);
      expect(agreementShare(ofd.evaluations, pdf.evaluations)).toBeGreaterThanOrEqual(0.99);
    }, 60_000);

  it.each(STYLES.flatMap((s) => ['region-sichuan.writer.pdf', 'other-issuer.pdf', 'calc-form.pdf'].map((f) => [f, s])))(
    'another region\'s %s in the %s style: at least 97 in 100 fields', async (name, style) => {
      const { pdf, ofd } = await both(name, style as OfdStyle);
      expect(ofd.evaluations.length).toBe(pdf.evaluations.length);
      expect(agreementShare(ofd.evaluations, pdf.evaluations)).toBeGreaterThanOrEqual(0.97);
    }, 60_000);

  it('a page that is a picture (a scan in an OFD) is read by OCR, as a scanned PDF page is', async () => {
    const trace: PageTrace[] = [];
    await extract(readFileSync(join(FIXTURES, 'other-issuer.pdf')), 'other-issuer.pdf', FORM_SENSE, trace);
    const scanned = writeOfd(trace, 'millimetres', { bytes: readFileSync(join(FIXTURES, 'other-issuer.scan.png')), ext: 'png' });
    const [ofd, pdf, scan] = await Promise.all([
      processDocument(scanned, 'scan.ofd'), processDocument(readFileSync(join(FIXTURES, 'other-issuer.pdf')), 'x.pdf'),
      processDocument(readFileSync(join(FIXTURES, 'other-issuer.scanned.pdf')), 'y.pdf'),
    ]);
    expect(ofd.evaluations[0]!.flags.some((f) => f.code === 'ocr')).toBe(true);
    expect(agreementShare(ofd.evaluations, pdf.evaluations)).toBeGreaterThanOrEqual(agreementShare(scan.evaluations, pdf.evaluations) - 0.01);
  }, 60_000);

  it('text in private-use code points (a font without a Unicode map) is not trusted: the record says it looks garbled', async () => {
    const trace: PageTrace[] = [];
    await extract(readFileSync(join(FIXTURES, 'region-sichuan.writer.pdf')), 'x.pdf', FORM_SENSE, trace);
    // The project's name as such a font gives it: glyph numbers in the Private Use Area.
    const pua = trace.map((p) => ({ ...p, runs: p.runs.map((r) => (r.text.includes('安可替代') ? { ...r, text: [...r.text].map((c, k) => (k % 2 ? String.fromCodePoint(0xe000 + k) : c)).join('') } : r)) }));
    expect(pua.some((p) => p.runs.some((r) => /[\ue000-\uf8ff]/.test(r.text)))).toBe(true);
    const [e] = (await processDocument(writeOfd(pua, 'points'), 'pua.ofd')).evaluations;
    expect(e!.flags.find((f) => f.code === 'text_garbled')?.severity).toBe('warn');
  });

  it('spells out `g N v` advances and copes with lists shorter or longer than the text', () => {
    expect(deltas('3.5 g 3 4 1', 10)).toEqual([3.5, 4, 4, 4, 1]);
    expect(deltas('g 1000000 1', 4)).toEqual([1, 1, 1, 1]);
    expect(deltas('1 2 x 3', 10)).toEqual([1, 2, 3]);
    expect(deltas(undefined, 3)).toEqual([]);
  });
});

const SAMPLES = join(PACKAGE_ROOT, '..', 'shared', 'samples', 'ofd');
const samples = existsSync(SAMPLES) ? readdirSync(SAMPLES).filter((f) => f.endsWith('.ofd')).sort() : [];

describe.skipIf(samples.length === 0)(`third-party OFD files${samples.length === 0 ? ' (skipped: ../shared/samples/ofd is not there)' : ''}`, () => {
  it('every one reads, or fails with a one-line reason, within its time and memory', async () => {
    const db = join(tempDir(), 'ofd.sqlite');
    const r = await zipinAsync(['extract', SAMPLES, '--db', db, '--timeout', '60', '--max-memory', '1024']);
    expect(r.code === 0 || r.code === 1, r.stderr).toBe(true);
    const documents = queryDb(db, 'SELECT source, format, status, error FROM documents ORDER BY source');
    expect(documents).toHaveLength(samples.length);
    for (const d of documents) {
      if (d.status === 'failed') expect(String(d.error), String(d.source)).toMatch(/^[^\n]{5,300}$/);
      else expect(d.format, String(d.source)).toBe('ofd');
    }
    // The conformance samples vary the container only: each reads its prose.
    const read = documents.filter((d) => d.status !== 'failed').map((d) => String(d.source).split('/').pop());
    expect(read).toEqual(expect.arrayContaining(['6.1.001 Entry全部不压缩.ofd', '6.2.003 使用相对路径.ofd', '6.2.004_3 路径中含有转义字符.ofd', 'ofdrw-signout.ofd', 'ofdrw-y.ofd', 'ofdrw-999.ofd']));
    const text = await zipinAsync(['totext', join(SAMPLES, 'ofdrw-signout.ofd')]);
    expect(text.stdout).toContain('来文文号\t府办专督〔2020〕24号');
  }, 240_000);
});
