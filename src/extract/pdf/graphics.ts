import { multiply, type Box, type Matrix, type Rule } from './geometry.js';
import { INITIAL_TEXT_PARAMS, TextReader, type FontLookup, type ShownText, type TextParams, type Writing } from './shown-text.js';
import { TABLE_SETTINGS as S } from './settings.js';

/** The pdf.js operator ids this reader needs (pdfjs-dist's OPS, passed in to keep pdf.js lazily loaded). */
export interface Ops {
  save: number;
  restore: number;
  transform: number;
  constructPath: number;
  paintFormXObjectBegin: number;
  paintFormXObjectEnd: number;
  setFillRGBColor: number;
  setStrokeRGBColor: number;
  stroke: number;
  closeStroke: number;
  fill: number;
  eoFill: number;
  fillStroke: number;
  eoFillStroke: number;
  closeFillStroke: number;
  closeEOFillStroke: number;
  paintImageXObject: number;
  paintInlineImageXObject: number;
  paintImageMaskXObject: number;
  clip: number;
  eoClip: number;
  setGState: number;
  beginText: number;
  setFont: number;
  setCharSpacing: number;
  setWordSpacing: number;
  setHScale: number;
  setLeading: number;
  setTextRise: number;
  setTextMatrix: number;
  moveText: number;
  setLeadingMoveText: number;
  nextLine: number;
  showText: number;
}

/** pdf.js path buffer opcodes (DrawOPS). */
const MOVE = 0;
const LINE = 1;
const CURVE = 2;
const QUAD = 3;
const CLOSE = 4;


interface State {
  ctm: Matrix;
  fillWhite: boolean;
  strokeWhite: boolean;
  /** The clip region's box in device space (null: the whole page). */
  clip: Box | null;
  text: TextParams;
}

function intersect(a: Box | null, b: Box): Box {
  if (a === null) return b;
  return { x0: Math.max(a.x0, b.x0), y0: Math.max(a.y0, b.y0), x1: Math.min(a.x1, b.x1), y1: Math.min(a.y1, b.y1) };
}

function transformBox(m: Matrix, x0: number, y0: number, x1: number, y1: number): Box {
  const box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  for (let k = 0; k < 4; k++) {
    const x = k & 1 ? x1 : x0;
    const y = k & 2 ? y1 : y0;
    const px = m[0] * x + m[2] * y + m[4];
    const py = m[1] * x + m[3] * y + m[5];
    box.x0 = Math.min(box.x0, px);
    box.x1 = Math.max(box.x1, px);
    box.y0 = Math.min(box.y0, py);
    box.y1 = Math.max(box.y1, py);
  }
  return box;
}

/** White and near-white paint draws nothing a reader sees: no rule. */
function isWhite(hex: unknown): boolean {
  if (typeof hex !== 'string' || !/^#[0-9a-f]{6}$/i.test(hex)) return false;
  return [1, 3, 5].every((i) => Number.parseInt(hex.slice(i, i + 2), 16) >= 0xf0);
}

/** One subpath in device space: its points as x, y pairs in one flat array (pages have thousands). */
interface Subpath {
  xy: number[];
  closed: boolean;
  straight: boolean;
}

function subpaths(buffer: ArrayLike<number>, ctm: Matrix): Subpath[] {
  const out: Subpath[] = [];
  let current: Subpath | null = null;
  const add = (x: number, y: number) => current?.xy.push(ctm[0] * x + ctm[2] * y + ctm[4], ctm[1] * x + ctm[3] * y + ctm[5]);
  for (let i = 0; i < buffer.length;) {
    const op = buffer[i++];
    if (op === MOVE) {
      current = { xy: [], closed: false, straight: true };
      out.push(current);
      add(buffer[i]!, buffer[i + 1]!);
      i += 2;
    } else if (op === LINE) {
      add(buffer[i]!, buffer[i + 1]!);
      i += 2;
    } else if (op === CURVE) {
      if (current) current.straight = false;
      add(buffer[i + 4]!, buffer[i + 5]!);
      i += 6;
    } else if (op === QUAD) {
      if (current) current.straight = false;
      add(buffer[i + 2]!, buffer[i + 3]!);
      i += 4;
    } else if (op === CLOSE) {
      if (current) current.closed = true;
    } else {
      break;
    }
  }
  return out;
}

function segmentRule(ax: number, ay: number, bx: number, by: number): Rule | null {
  const x0 = Math.min(ax, bx);
  const x1 = Math.max(ax, bx);
  const y0 = Math.min(ay, by);
  const y1 = Math.max(ay, by);
  if (y1 - y0 <= S.axisTolerance && x1 - x0 >= S.minRuleLength) {
    const y = (y0 + y1) / 2;
    return { x0, x1, y0: y, y1: y, horizontal: true };
  }
  if (x1 - x0 <= S.axisTolerance && y1 - y0 >= S.minRuleLength) {
    const x = (x0 + x1) / 2;
    return { x0: x, x1: x, y0, y1, horizontal: false };
  }
  return null;
}

/** A thin filled axis-aligned rectangle → the rule along its long side's centre line. */
function fillRule(xy: readonly number[]): Rule | null {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let k = 0; k < xy.length; k += 2) {
    x0 = Math.min(x0, xy[k]!);
    x1 = Math.max(x1, xy[k]!);
    y0 = Math.min(y0, xy[k + 1]!);
    y1 = Math.max(y1, xy[k + 1]!);
  }
  // Only rectangles: every corner on the box.
  for (let k = 0; k < xy.length; k += 2) {
    const x = xy[k]!;
    const y = xy[k + 1]!;
    if (!((Math.abs(x - x0) < 0.5 || Math.abs(x - x1) < 0.5) && (Math.abs(y - y0) < 0.5 || Math.abs(y - y1) < 0.5))) return null;
  }
  const w = x1 - x0;
  const h = y1 - y0;
  if (h <= S.thinRuleWidth && w >= S.minRuleLength && w > h) return { x0, x1, y0: (y0 + y1) / 2, y1: (y0 + y1) / 2, horizontal: true };
  if (w <= S.thinRuleWidth && h >= S.minRuleLength && h > w) return { x0: (x0 + x1) / 2, x1: (x0 + x1) / 2, y0, y1, horizontal: false };
  return null;
}

/** An image the page paints: pdf.js's id for its decoded pixels (or the inline image itself), and where it lands. */
export interface PaintedImage {
  image: string | object;
  /** Image space (the unit square, first pixel row at v = 1) → device space. */
  matrix: Matrix;
  box: Box;
}

export interface PageGraphics {
  rules: Rule[];
  /** The page paints images (a scanned page has images and no text). */
  hasImages: boolean;
  /** The images painted from XObjects and inline (masks are no pictures), each with its box in device space. */
  images: PaintedImage[];
  /** The page's text, run by run, each with the clip it was drawn under. */
  shown: ShownText[];
  /** Which way its text runs: a page stored turned reads down, left or up. */
  writing: Writing;
}

/** The page in device space: PDF space → device space, and the page's size there. */
export interface PageView {
  transform: Matrix;
  width: number;
  height: number;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/**
 * Walk a page's operator list once and collect, in device space, its ruling lines — stroked
 * straight segments and thin filled rectangles, with save/restore, cm and form XObject matrices
 * tracked (pdf.js gives path coordinates before the CTM); clip paths and white paint are not
 * rules — and its text, with the text state and the clip of each run.
 */
export function readGraphics(fnArray: ArrayLike<number>, argsArray: ArrayLike<unknown>, view: PageView, OPS: Ops, fonts: FontLookup): PageGraphics {
  const viewport = view.transform;
  const rules: Rule[] = [];
  const text = new TextReader(viewport[0] * viewport[3] - viewport[1] * viewport[2] < 0 ? -1 : 1, view.width, view.height);
  let hasImages = false;
  const images: PaintedImage[] = [];
  let pendingClip = false;
  let state: State = { ctm: viewport, fillWhite: false, strokeWhite: false, clip: null, text: INITIAL_TEXT_PARAMS };
  const setFont = (name: unknown, size: unknown) => {
    const loaded = typeof name === 'string' ? name : '';
    const font = fonts(loaded) ?? { ...INITIAL_TEXT_PARAMS.font, name: loaded };
    // LibreOffice sets the font before every piece of text, mostly the one already set
    if (font !== state.text.font || num(size) !== state.text.size) state.text = { ...state.text, font, size: num(size) };
  };
  // Tc, Tw, Tz, TL, Ts: one number each
  const textParams = new Map<number, (v: number) => Partial<TextParams>>([
    [OPS.setCharSpacing, (v) => ({ charSpacing: v })],
    [OPS.setWordSpacing, (v) => ({ wordSpacing: v })],
    [OPS.setHScale, (v) => ({ hScale: v / 100 })],
    [OPS.setLeading, (v) => ({ leading: v })],
    [OPS.setTextRise, (v) => ({ rise: v })],
  ]);
  const stack: State[] = [];
  const strokes = new Set([OPS.stroke, OPS.closeStroke, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);
  const fills = new Set([OPS.fill, OPS.eoFill, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);
  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i]!;
    const args = argsArray[i] as unknown[] | null;
    switch (fn) {
      case OPS.save:
        stack.push(state);
        state = { ...state };
        break;
      case OPS.restore:
        state = stack.pop() ?? state;
        break;
      case OPS.transform:
        state.ctm = multiply(state.ctm, args as unknown as Matrix);
        break;
      case OPS.paintFormXObjectBegin:
        stack.push(state);
        state = { ...state, ctm: Array.isArray(args?.[0]) || ArrayBuffer.isView(args?.[0]) ? multiply(state.ctm, Array.from(args![0] as ArrayLike<number>) as unknown as Matrix) : state.ctm };
        break;
      case OPS.paintFormXObjectEnd:
        state = stack.pop() ?? state;
        break;
      case OPS.setFillRGBColor:
        state.fillWhite = isWhite(args?.[0]);
        break;
      case OPS.setStrokeRGBColor:
        state.strokeWhite = isWhite(args?.[0]);
        break;
      case OPS.paintImageXObject: case OPS.paintInlineImageXObject: case OPS.paintImageMaskXObject: {
        hasImages = true;
        const image = args?.[0];
        // An image fills the unit square of its CTM.
        if (fn !== OPS.paintImageMaskXObject && (typeof image === 'string' || (typeof image === 'object' && image !== null))) images.push({ image, matrix: state.ctm, box: transformBox(state.ctm, 0, 0, 1, 1) });
        break;
      }
      case OPS.clip: case OPS.eoClip:
        pendingClip = true; // the clip path is the next path
        break;
      case OPS.constructPath: {
        const paint = args?.[0] as number;
        const minMax = args?.[2] as ArrayLike<number> | null | undefined;
        if (pendingClip && minMax && Number.isFinite(minMax[0])) {
          state.clip = intersect(state.clip, transformBox(state.ctm, minMax[0]!, minMax[1]!, minMax[2]!, minMax[3]!));
        }
        pendingClip = false;
        const buffer = (args?.[1] as Array<ArrayLike<number> | null> | undefined)?.[0];
        if (!buffer) break;
        const stroke = strokes.has(paint) && !state.strokeWhite;
        const fill = fills.has(paint) && !state.fillWhite;
        if (!stroke && !fill) break; // clip paths (W n) and invisible paint
        for (const { xy, closed, straight } of subpaths(buffer, state.ctm)) {
          if (!straight) continue;
          if (stroke) {
            // Each segment, and the closing one back to the start.
            const n = xy.length / 2;
            for (let k = 1; k < (closed ? n + 1 : n); k++) {
              const a = 2 * (k - 1);
              const b = 2 * (k % n);
              const rule = segmentRule(xy[a]!, xy[a + 1]!, xy[b]!, xy[b + 1]!);
              if (rule) rules.push(rule);
            }
          }
          if (fill && xy.length >= 6) {
            const rule = fillRule(xy);
            if (rule) rules.push(rule);
          }
        }
        break;
      }
      case OPS.setGState:
        for (const entry of (args?.[0] as unknown[] | undefined) ?? []) {
          const [key, value] = entry as [unknown, unknown];
          if (key === 'Font' && Array.isArray(value)) setFont(value[0], value[1]);
        }
        break;
      case OPS.beginText:
        text.beginText();
        break;
      case OPS.setFont:
        setFont(args?.[0], args?.[1]);
        break;
      case OPS.setTextMatrix:
        text.setMatrix(args?.[0] as ArrayLike<number>);
        break;
      case OPS.setLeadingMoveText:
        state.text = { ...state.text, leading: -num(args?.[1]) };
        text.moveText(num(args?.[0]), num(args?.[1]));
        break;
      case OPS.moveText:
        text.moveText(num(args?.[0]), num(args?.[1]));
        break;
      case OPS.nextLine:
        text.nextLine(state.text);
        break;
      case OPS.showText: // pdf.js turns TJ, ' and " into showText (and nextLine, spacing)
        text.show((args?.[0] as unknown[] | undefined) ?? [], state.text, state.ctm, state.clip);
        break;
      default: {
        const set = textParams.get(fn);
        if (set) state.text = { ...state.text, ...set(num(args?.[0])) };
      }
    }
  }
  text.close();
  return { rules, hasImages, images, shown: text.shown, writing: text.writing };
}
