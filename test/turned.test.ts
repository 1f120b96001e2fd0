import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { extract } from '../src/extract/index.js';
import type { PageTrace } from '../src/extract/pdf/pdf.js';
import { FORM_SENSE } from '../src/form/sense.js';
import type { ValidatedEvaluation } from '../src/model/evaluation.js';
import { processDocument } from '../src/pipeline/process.js';
import { agreementShare, FIXTURES, zipinAsync } from './helpers.js';

/**
 * Pages stored turned (test/fixtures/turned, made by test/fixtures/src/make-turned.py with qpdf,
 * img2pdf and PIL from fixtures read upright): read as a person reads them, the paper turned back.
 */
const TURNED = join(FIXTURES, 'turned');
const read = async (path: string) => processDocument(readFileSync(path), path);

/** The records without their flags' page_turned notes (what turning adds), for comparing with the upright file's. */
const withoutTurns = (es: readonly ValidatedEvaluation[]) => es.map((e) => ({ ...e, flags: e.flags.filter((f) => f.code !== 'page_turned') }));

describe('text-layer pages stored turned', () => {
  let upright: ValidatedEvaluation[];
  beforeAll(async () => {
    upright = (await read(join(FIXTURES, '004_7f468a29561a31e4.blocks-16-17.writer.pdf'))).evaluations;
  });

  it.each([90, 180, 270])('/Rotate %i: the same records as the page upright, each block saying its page was turned', async (angle) => {
    const turned = (await read(join(TURNED, `004.blocks-16-17.writer.r${angle}.pdf`))).evaluations;
    expect(turned).toHaveLength(2);
    expect(withoutTurns(turned)).toEqual(upright);
    for (const e of turned) {
      const notes = e.flags.filter((f) => f.code === 'page_turned');
      expect(notes.length).toBeGreaterThan(0);
      expect(notes.every((f) => f.severity === 'info' && /was stored (a quarter turn|upside down)/.test(f.message))).toBe(true);
    }
  });

  it('a form drawn turned on a page with no /Rotate is read by the direction of its text', async () => {
    const [turned, plain] = await Promise.all([read(join(TURNED, 'calc-form.drawn-turned.pdf')), read(join(FIXTURES, 'calc-form.pdf'))]);
    expect(plain.evaluations.length).toBeGreaterThan(0);
    expect(withoutTurns(turned.evaluations)).toEqual(plain.evaluations);
  });

  it('an upright page pays nothing: the landscape page a print driver stores turned (content turned, /Rotate 90) is no turned page', async () => {
    const r = await read(join(FIXTURES, 'rotated.pdf'));
    expect(r.evaluations.flatMap((e) => e.flags).filter((f) => f.code === 'page_turned')).toEqual([]);
  });

  it('totext gives the same text, and inspect --draw draws the page upright, as read', async () => {
    const plain = await zipinAsync(['totext', join(FIXTURES, '004_7f468a29561a31e4.blocks-16-17.writer.pdf')]);
    for (const angle of [90, 270]) expect((await zipinAsync(['totext', join(TURNED, `004.blocks-16-17.writer.r${angle}.pdf`)])).stdout).toBe(plain.stdout);
    const trace = async (path: string) => {
      const pages: PageTrace[] = [];
      await extract(readFileSync(path), path, FORM_SENSE, pages);
      return pages.map((p) => ({ width: Math.round(p.width), height: Math.round(p.height), rules: p.rules.length, runs: p.runs.length }));
    };
    expect(await trace(join(TURNED, '004.blocks-16-17.writer.r90.pdf'))).toEqual(await trace(join(FIXTURES, '004_7f468a29561a31e4.blocks-16-17.writer.pdf')));
  });
});

describe('scans stored turned', () => {
  let upright: ValidatedEvaluation[];
  let uprightShare: number;
  let jiangsuUpright: number;
  let jiangsuPage: ValidatedEvaluation[];
  beforeAll(async () => {
    upright = (await read(join(FIXTURES, 'other-issuer.pdf'))).evaluations;
    uprightShare = agreementShare((await read(join(FIXTURES, 'other-issuer.scanned.pdf'))).evaluations, upright);
    jiangsuPage = (await read(join(FIXTURES, 'regions', 'region-jiangsu.page.html'))).evaluations;
    jiangsuUpright = agreementShare((await read(join(FIXTURES, 'regions', 'region-jiangsu.scan.jpg'))).evaluations, jiangsuPage);
  }, 120_000);

  it.each([
    ['other-issuer.scanned.r90.pdf', 'a quarter turn clockwise'], // /Rotate 90 on an upright scan
    ['other-issuer.scan.sideways-cw.pdf', 'a quarter turn clockwise'], // scanned turned a quarter clockwise
    ['other-issuer.scan.upside-down.pdf', 'upside down'],
  ])('%s reads within one point of the upright scan, and says the page was turned (%s)', async (file, how) => {
    const got = (await read(join(TURNED, file))).evaluations;
    expect(agreementShare(got, upright)).toBeGreaterThanOrEqual(uprightShare - 0.01);
    expect(got[0]!.flags.find((f) => f.code === 'page_turned')?.message).toBe(`page 1 was stored ${how}; it was read turned back upright`);
  }, 60_000);

  it('a form whose ink does not show it stands sideways (Guangdong, /Rotate 270) is read the other way round when the first reads unsurely', async () => {
    const page = (await read(join(FIXTURES, 'regions', 'region-guangdong.page.html'))).evaluations;
    const upright = agreementShare((await read(join(FIXTURES, 'regions', 'region-guangdong.scan.pdf'))).evaluations, page);
    const got = (await read(join(TURNED, 'region-guangdong.scan.r270.pdf'))).evaluations;
    expect(agreementShare(got, page)).toBeGreaterThanOrEqual(upright - 0.01);
    expect(got[0]!.flags.find((f) => f.code === 'page_turned')?.message).toBe('page 1 was stored a quarter turn anticlockwise; it was read turned back upright');
  }, 120_000);

  it('another region\'s scan, sideways the other way, as an image file', async () => {
    const got = (await read(join(TURNED, 'region-jiangsu.scan.sideways-ccw.jpg'))).evaluations;
    expect(agreementShare(got, jiangsuPage)).toBeGreaterThanOrEqual(jiangsuUpright - 0.01);
    expect(got[0]!.flags.find((f) => f.code === 'page_turned')?.message).toBe('page 1 was stored a quarter turn anticlockwise; it was read turned back upright');
  }, 60_000);
});
