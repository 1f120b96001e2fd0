import { describe, expect, it } from 'vitest';
import type { Matrix } from '../src/extract/pdf/geometry.js';
import { INITIAL_TEXT_PARAMS, TextReader, type TextParams } from '../src/extract/pdf/shown-text.js';

// A pdf.js viewport for an A4 portrait page: PDF space (y up) → device space (y down).
const VIEWPORT: Matrix = [1, 0, 0, -1, 0, 842];
const font = (name: string, vertical = false) => ({ name, fontMatrix: [0.001, 0, 0, 0.001, 0, 0], vertical });
const params = (over: Partial<TextParams> = {}): TextParams => ({ ...INITIAL_TEXT_PARAMS, font: font('SimSun'), size: 10, ...over });
/** Glyphs as pdf.js's operator list gives them: full-width CJK 1000 units, Latin 500, a space 250. */
const glyphs = (text: string) => [...text].map((ch) => ({ unicode: ch, width: /[\u4e00-\u9fff]/.test(ch) ? 1000 : ch === ' ' ? 250 : 500, isSpace: ch === ' ' }));

function read(draw: (reader: TextReader) => void) {
  const reader = new TextReader(-1, 595, 842);
  draw(reader);
  reader.close();
  return reader.shown.map(({ run }) => ({ text: run.text, box: [run.x0, run.y0, run.x1, run.y1].map((v) => Math.round(v * 100) / 100) }));
}

describe('text read from the operator list', () => {
  it('places a run by the text matrix, its box from the baseline up by the font size', () => {
    const runs = read((r) => {
      r.beginText();
      r.setMatrix([1, 0, 0, 1, 100, 700]);
      r.show(glyphs('项目名称'), params(), VIEWPORT, null);
    });
    expect(runs).toEqual([{ text: '项目名称', box: [100, 132, 140, 142] }]);
  });

  it('keeps spaces, adds one for a visible gap, and starts a new run at a wide gap (another cell)', () => {
    const runs = read((r) => {
      r.setMatrix([1, 0, 0, 1, 50, 700]);
      // TJ: "Total cost" with a space glyph, a 0.2 em kern gap before "A", then 2 em to "B"
      r.show([...glyphs('Total cost'), -200, ...glyphs('A'), -2000, ...glyphs('B')], params(), VIEWPORT, null);
    });
    expect(runs.map((r) => r.text)).toEqual(['Total cost A', 'B']);
    expect(runs[1]!.box[0]).toBeCloseTo(50 + 9 * 5 + 2.5 + 2 + 5 + 20, 5);
  });

  it('applies character spacing and horizontal scaling to the advance, not to the last glyph', () => {
    const [run] = read((r) => {
      r.setMatrix([1, 0, 0, 1, 0, 700]);
      r.show(glyphs('预算数'), params({ charSpacing: 1, hScale: 0.5 }), VIEWPORT, null);
    });
    expect(run!.box[2]! - run!.box[0]!).toBeCloseTo((10 + 1) * 0.5 * 2 + 10 * 0.5, 5);
  });

  it('starts a new run for another font, not for another subset of the same font', () => {
    const runs = read((r) => {
      r.setMatrix([1, 0, 0, 1, 0, 700]);
      r.show(glyphs('项目'), params({ font: font('NotoSansCJK') }), VIEWPORT, null);
      r.show(glyphs('资金'), params({ font: font('NotoSansCJK') }), VIEWPORT, null);
      r.show(glyphs('(元)'), params({ font: font('Arial') }), VIEWPORT, null);
    });
    expect(runs.map((r) => r.text)).toEqual(['项目资金', '(元)']);
  });

  it('follows Td and T* onto the next line, which is another run', () => {
    const runs = read((r) => {
      r.beginText();
      r.moveText(100, 700);
      r.show(glyphs('年度资金'), params({ leading: 12 }), VIEWPORT, null);
      r.nextLine(params({ leading: 12 }));
      r.show(glyphs('总额'), params({ leading: 12 }), VIEWPORT, null);
    });
    expect(runs).toEqual([{ text: '年度资金', box: [100, 132, 140, 142] }, { text: '总额', box: [100, 144, 120, 154] }]);
  });

  it('does not read glyphs drawn off the page, nor format marks and ligatures as printed', () => {
    const runs = read((r) => {
      r.setMatrix([1, 0, 0, 1, 100, -20]); // below the page
      r.show(glyphs('产出指标'), params(), VIEWPORT, null);
      r.setMatrix([1, 0, 0, 1, 100, 700]);
      r.show([...glyphs('de'), { unicode: '\u200b', width: 0 }, { unicode: 'ﬁ', width: 550 }, ...glyphs('ne')], params(), VIEWPORT, null);
    });
    expect(runs.map((r) => r.text)).toEqual(['define']);
  });

  it('stacks vertical writing one glyph per run, top to bottom', () => {
    const runs = read((r) => {
      r.setMatrix([1, 0, 0, 1, 100, 700]);
      r.show(glyphs('产出'), params({ font: font('SimSun-V', true) }), VIEWPORT, null);
    });
    expect(runs).toEqual([{ text: '产', box: [95, 142, 105, 152] }, { text: '出', box: [95, 152, 105, 162] }]);
  });
});
