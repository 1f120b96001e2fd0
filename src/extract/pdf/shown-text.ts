import type { Box, Matrix, TextRun } from './geometry.js';
import { TABLE_SETTINGS as S } from './settings.js';

/**
 * Text as the page's operator list draws it (ISO 32000-1 §9.4), so that a page is parsed once:
 * pdf.js's getTextContent would run the whole content stream a second time to say the same.
 */

/**
 * What this reader needs of a pdf.js font: its name (a PDF may hold one font as many subsets,
 * loaded apart under one name), glyph space → text space, and the writing mode.
 */
export interface FontMetrics {
  name: string;
  fontMatrix: readonly number[];
  vertical: boolean;
}

/** The fonts of a document by the name pdf.js loaded them under (undefined: not known). */
export type FontLookup = (loadedName: string) => FontMetrics | undefined;

const DEFAULT_FONT: FontMetrics = { name: '', fontMatrix: [0.001, 0, 0, 0.001, 0, 0], vertical: false };

/** The text state parameters (Tf, Tc, Tw, Tz, TL, Ts): part of the graphics state, saved and restored with it. */
export interface TextParams {
  font: FontMetrics;
  size: number;
  charSpacing: number;
  wordSpacing: number;
  hScale: number;
  leading: number;
  rise: number;
}

export const INITIAL_TEXT_PARAMS: TextParams = { font: DEFAULT_FONT, size: 0, charSpacing: 0, wordSpacing: 0, hScale: 1, leading: 0, rise: 0 };

/** A glyph of pdf.js's show-text operators (a plain object once it has crossed pdf.js's message port). */
interface GlyphLike {
  unicode?: unknown;
  width?: unknown;
  isSpace?: unknown;
  vmetric?: unknown;
}

/**
 * How much of a page's text runs each way across the device (characters): right (as read),
 * down, left and up — the page turned a quarter, a half, three quarters clockwise.
 */
export type Writing = [number, number, number, number];

/** A run of text with the clip it was drawn under (null: the whole page). */
export interface ShownText {
  run: TextRun;
  clip: Box | null;
}


/** Characters that only format: never part of a cell's text. */
const FORMAT_MARK = /\p{Cf}/gu;
/** Latin ligatures (ﬁ, ﬂ…) and the like, as pdf.js's text layer spells them out. */
const LIGATURE = /[\ufb00-\ufb06]/g;
const UNREAD = /[\p{Cf}\ufb00-\ufb06]/u;

/** How one show-text operator draws: font, clip, writing direction (unit vector) and size in device space. */
interface Style {
  font: string;
  clip: Box | null;
  ax: number;
  ay: number;
  size: number;
}

interface OpenRun {
  text: string;
  /** Device x of each character's centre. */
  centres: number[];
  style: Style;
  /** Start and current end of the baseline in device space. */
  sx: number;
  sy: number;
  ex: number;
  ey: number;
  /** A space glyph came after the last character. */
  spaceAfter: boolean;
}

/**
 * Follows the text matrices (Tm, Tlm) through BT…ET and turns each show-text operator's glyphs
 * into runs in device space: glyphs of one font that follow each other on one baseline make one
 * run, as in pdf.js's text layer; another font, a wide gap, a jump backwards or off the line
 * starts another (the layout decides the spaces between runs).
 */
export class TextReader {
  readonly shown: ShownText[] = [];
  /** Characters of horizontal writing by the way they run across the device: right, down, left, up (see Writing). */
  readonly writing: Writing = [0, 0, 0, 0];
  private tm: number[] = [1, 0, 0, 1, 0, 0];
  private tlm: number[] = [1, 0, 0, 1, 0, 0];
  private open: OpenRun | null = null;

  /**
   * `flip`: −1 when the device space is mirrored against PDF space (pdf.js viewports flip y), so
   * that "up" for a glyph — the left of its writing direction in PDF space — turns with it.
   * `width` × `height`: the page in device space; glyphs drawn off it are not read (as in pdf.js's
   * text layer: nobody sees them, and producers park the unseen part of a clipped cell there).
   */
  constructor(private readonly flip: number, private readonly width: number, private readonly height: number) {}

  beginText(): void {
    this.tm = [1, 0, 0, 1, 0, 0];
    this.tlm = [1, 0, 0, 1, 0, 0];
  }

  setMatrix(m: ArrayLike<number>): void {
    this.tm = Array.from(m).slice(0, 6);
    this.tlm = this.tm.slice();
  }

  moveText(x: number, y: number): void {
    const l = this.tlm;
    l[4] = l[0]! * x + l[2]! * y + l[4]!;
    l[5] = l[1]! * x + l[3]! * y + l[5]!;
    this.tm = l.slice();
  }

  nextLine(params: TextParams): void {
    this.moveText(0, -params.leading);
  }

  /** Advance the text matrix by (tx, ty) in text space. */
  private advance(tx: number, ty: number): void {
    const m = this.tm;
    m[4] = m[0]! * tx + m[2]! * ty + m[4]!;
    m[5] = m[1]! * tx + m[3]! * ty + m[5]!;
  }

  /** One show-text operator: its glyphs and the spacing numbers between them (thousandths of an em). */
  show(glyphs: readonly unknown[], params: TextParams, ctm: Matrix, clip: Box | null): void {
    const { font, size, charSpacing, wordSpacing, hScale, rise } = params;
    const scale = font.fontMatrix[0]! * size;
    const t = this.tm;
    // Within one operator only the text matrix's translation moves: text space → device space
    // (ctm × Tm) keeps its linear part.
    const a = ctm[0] * t[0]! + ctm[2] * t[1]!;
    const b = ctm[1] * t[0]! + ctm[3] * t[1]!;
    const c = ctm[0] * t[2]! + ctm[2] * t[3]!;
    const d = ctm[1] * t[2]! + ctm[3] * t[3]!;
    const along = Math.hypot(a, b) || 1;
    const style: Style = { font: font.name, clip, ax: a / along, ay: b / along, size: Math.abs(size) * Math.hypot(c, d) };
    const way: 0 | 1 | 2 | 3 | null = font.vertical ? null : Math.abs(style.ax) >= Math.abs(style.ay) ? (style.ax >= 0 ? 0 : 2) : (style.ay >= 0 ? 1 : 3);
    for (const g of glyphs) {
      if (typeof g === 'number') {
        const shift = (-g / 1000) * size;
        if (font.vertical) this.advance(0, shift);
        else this.advance(shift * hScale, 0);
        continue;
      }
      if (g === null || typeof g !== 'object') continue;
      const glyph = g as GlyphLike;
      const unicode = typeof glyph.unicode === 'string' ? glyph.unicode : '';
      const width = typeof glyph.width === 'number' ? glyph.width : 0;
      if (way !== null && unicode.trim() !== '') this.writing[way]++;
      const spacing = charSpacing + (glyph.isSpace === true ? wordSpacing : 0);
      // The glyph's origin on the baseline (raised by Ts), in device space.
      const ox = ctm[0] * t[4]! + ctm[2] * t[5]! + ctm[4] + c * rise;
      const oy = ctm[1] * t[4]! + ctm[3] * t[5]! + ctm[5] + d * rise;
      if (font.vertical) {
        const vmetric = Array.isArray(glyph.vmetric) ? (glyph.vmetric as number[]) : null;
        const height = (vmetric ? vmetric[0]! : -width) * scale;
        this.upright(unicode, ox, oy, (Math.abs(size) / 2) * along, (Math.abs(height) || Math.abs(size)) * -c, (Math.abs(height) || Math.abs(size)) * -d, style);
        this.advance(0, height - spacing);
      } else {
        const w = width * scale * hScale;
        this.place(unicode, ox, oy, ox + a * w, oy + b * w, style);
        this.advance(w + spacing * hScale, 0);
      }
    }
  }

  private offPage(x0: number, x1: number, y: number): boolean {
    return y < 0 || y > this.height || Math.max(x0, x1) < 0 || Math.min(x0, x1) > this.width;
  }

  /** One glyph of horizontal writing, its baseline from (ox, oy) to (ex, ey) in device space. */
  private place(unicode: string, ox: number, oy: number, ex: number, ey: number, style: Style): void {
    if (this.offPage(ox, ex, oy)) {
      this.close();
      return;
    }
    const run = this.open;
    if (unicode.trim() === '') {
      if (run && unicode !== '') run.spaceAfter = true;
      return;
    }
    if (run) {
      const r = run.style;
      const dx = ox - run.ex;
      const dy = oy - run.ey;
      const gap = (dx * r.ax + dy * r.ay) / r.size;
      const off = (dy * r.ax - dx * r.ay) / r.size; // across the writing direction, either way up
      const sameLine = r === style || (r.font === style.font && r.clip === style.clip && Math.abs(style.ax * r.ay - style.ay * r.ax) < 0.01 && Math.abs(style.size - r.size) <= r.size * 0.2);
      if (sameLine && Math.abs(off) <= S.offLineEms && gap >= S.backwardsEms && gap <= S.newRunGapEms) {
        if (run.spaceAfter || gap > S.spaceGapEms) {
          run.text += ' ';
          run.centres.push((run.ex + ox) / 2);
        }
        run.text += unicode;
        for (const _ of unicode) run.centres.push((ox + ex) / 2);
        run.spaceAfter = false;
        run.ex = ex;
        run.ey = ey;
        return;
      }
      this.close();
    }
    this.open = { text: unicode, centres: Array.from(unicode, () => (ox + ex) / 2), style, sx: ox, sy: oy, ex, ey, spaceAfter: false };
  }

  /**
   * One glyph of vertical writing: a run of its own (the layout stacks a cell's glyphs into its
   * text), centred across the origin, `half` an em each side, and going down by (dx, dy).
   */
  private upright(unicode: string, ox: number, oy: number, half: number, dx: number, dy: number, style: Style): void {
    this.close();
    if (this.offPage(ox, ox, oy) || unicode.trim() === '') return;
    const xs = [ox - style.ax * half, ox + style.ax * half];
    const ys = [oy - style.ay * half, oy + style.ay * half];
    xs.push(xs[0]! + dx, xs[1]! + dx);
    ys.push(ys[0]! + dy, ys[1]! + dy);
    this.push(unicode, null, Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys), style);
  }

  /** A finished run, its characters as a reader knows them (format marks dropped, ligatures spelt out). */
  private push(raw: string, rawCentres: number[] | null, x0: number, y0: number, x1: number, y1: number, style: Style): void {
    let text = raw;
    let centres = rawCentres ?? [];
    if (UNREAD.test(raw)) {
      text = '';
      const read: number[] = [];
      Array.from(raw).forEach((ch, i) => {
        const shown = ch.replace(FORMAT_MARK, '').replace(LIGATURE, (l) => l.normalize('NFKC'));
        text += shown;
        for (const _ of shown) read.push(rawCentres?.[i] ?? 0);
      });
      centres = read;
    }
    if (text.trim() === '') return;
    // Only text written across the page is cut at vertical rules.
    const across = rawCentres !== null && Math.abs(style.ay) < 0.01;
    this.shown.push({ run: { text, x0, y0, x1, y1, size: style.size, ...(across ? { centres } : {}) }, clip: style.clip });
  }

  /** The run in progress is complete: its box is the baseline swept up by the font size. */
  close(): void {
    const r = this.open;
    if (r === null) return;
    this.open = null;
    const { ax, ay, size } = r.style;
    // "Up" is the left of the writing direction in PDF space: mirrored with the device space.
    const hx = this.flip * -ay * size;
    const hy = this.flip * ax * size;
    const x0 = Math.min(r.sx, r.ex, r.sx + hx, r.ex + hx);
    const x1 = Math.max(r.sx, r.ex, r.sx + hx, r.ex + hx);
    const y0 = Math.min(r.sy, r.ey, r.sy + hy, r.ey + hy);
    const y1 = Math.max(r.sy, r.ey, r.sy + hy, r.ey + hy);
    this.push(r.text, r.centres, x0, y0, x1, y1, r.style);
  }
}
