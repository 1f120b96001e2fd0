import type { Box, Matrix, Rule, TextRun } from '../pdf/geometry.js';
import { IDENTITY, multiply } from '../pdf/geometry.js';
import { TABLE_SETTINGS as S } from '../pdf/settings.js';
import type { Writing } from '../pdf/shown-text.js';
import { children, numbers, type Element } from './xml.js';

/**
 * One OFD page's graphics in the PDF reader's device space (points, y down), so that the lattice,
 * the layout and every later stage are shared: text runs with their characters' centres, ruling
 * lines (stroked straight segments and thin filled rectangles), and the images it paints. OFD
 * draws in millimetres, y down; each object's Boundary places its own space on the page and its
 * CTM maps into that space.
 */

/** Millimetres → points. */
export const PT_PER_MM = 72 / 25.4;

/** Objects one page may draw, templates and composite units included: more is hostile, not a form. */
const MAX_OBJECTS = 200_000;
/** Composite units inside composite units this deep, no deeper (a unit naming itself loops). */
const MAX_NESTING = 8;

export interface PaintedMedia {
  /** The resource's ID (see Resources.media). */
  id: string;
  box: Box;
}

export interface PageGraphics {
  runs: TextRun[];
  rules: Rule[];
  images: PaintedMedia[];
  /** Characters by the way they run across the page (see Writing), to read a turned page upright. */
  writing: Writing;
}

/** What a page's objects refer to: composite units by ID (their content). */
export interface Resources {
  composites: ReadonlyMap<string, Element>;
}

const matrixOf = (s: string | undefined): Matrix => {
  const n = numbers(s);
  return n.length === 6 ? (n as unknown as Matrix) : IDENTITY;
};

const apply = (m: Matrix, x: number, y: number): [number, number] => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];

/** An object's own space → the page's (points): the parent's, moved to the Boundary's corner, then the CTM. */
function objectSpace(o: Element, parent: Matrix): Matrix {
  const [bx = 0, by = 0] = numbers(o.attrs.Boundary);
  return multiply(parent, multiply([1, 0, 0, 1, bx, by], matrixOf(o.attrs.CTM)));
}

/** A DeltaX/DeltaY list with its `g N v` runs spelt out (`g 3 3.5` is 3.5 three times). */
export function deltas(s: string | undefined, max: number): number[] {
  const tokens = (s ?? '').trim().split(/\s+/).filter((t) => t !== '');
  const out: number[] = [];
  for (let i = 0; i < tokens.length && out.length < max; i++) {
    if (tokens[i] === 'g') {
      const count = Math.min(Number(tokens[i + 1]), max - out.length);
      const value = Number(tokens[i + 2]);
      if (Number.isFinite(count) && Number.isFinite(value)) for (let k = 0; k < count; k++) out.push(value);
      i += 2;
    } else if (Number.isFinite(Number(tokens[i]))) out.push(Number(tokens[i]));
  }
  return out;
}

const WIDE = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]/;

/** Curve operators of AbbreviatedData and how many numbers each takes, the last two its end point. */
const CURVES: Record<string, number> = { Q: 4, B: 6, A: 7 };

class PageReader {
  readonly runs: TextRun[] = [];
  readonly rules: Rule[] = [];
  readonly images: PaintedMedia[] = [];
  readonly writing: Writing = [0, 0, 0, 0];
  private objects = 0;

  constructor(private readonly resources: Resources) {}

  walk(objects: readonly Element[], m: Matrix, depth: number): void {
    for (const o of objects) {
      if (++this.objects > MAX_OBJECTS) return;
      if (o.attrs.Visible === 'false') continue;
      switch (o.name) {
        case 'Layer':
        case 'PageBlock':
          this.walk(o.children, m, depth);
          break;
        case 'TextObject':
          this.text(o, objectSpace(o, m));
          break;
        case 'PathObject':
          this.path(o, objectSpace(o, m));
          break;
        case 'ImageObject':
          this.image(o, objectSpace(o, m));
          break;
        case 'CompositeObject': {
          const unit = this.resources.composites.get(o.attrs.ResourceID ?? '');
          const content = unit?.children.find((c) => c.name === 'Content');
          if (content && depth < MAX_NESTING) this.walk(content.children, objectSpace(o, m), depth + 1);
          break;
        }
        default:
          break;
      }
    }
  }

  private text(o: Element, m: Matrix): void {
    const size = Number(o.attrs.Size) || 3.5;
    // The object's x axis on the page: its writing direction; its y axis gives the size there.
    const ax = m[0];
    const ay = m[1];
    const along = Math.hypot(ax, ay) || 1;
    const [ux, uy] = [ax / along, ay / along];
    const deviceSize = size * (Math.hypot(m[2], m[3]) || 1);
    const way = Math.abs(ux) >= Math.abs(uy) ? (ux >= 0 ? 0 : 2) : (uy >= 0 ? 1 : 3);
    let x = 0;
    let y = 0;
    for (const code of children(o, 'TextCode')) {
      const chars = [...code.text.replace(/[\r\n\t]/g, '')];
      if (chars.length === 0) continue;
      if (code.attrs.X !== undefined) x = Number(code.attrs.X) || 0;
      if (code.attrs.Y !== undefined) y = Number(code.attrs.Y) || 0;
      const dx = deltas(code.attrs.DeltaX, chars.length);
      const dy = deltas(code.attrs.DeltaY, chars.length);
      // Each character's origin and advance in the object's space; a list shorter than the text goes on with its last step, else the character's own width.
      const glyphs = chars.map((ch) => ({ ch, x: 0, y: 0, w: 0 }));
      glyphs.forEach((g, k) => {
        g.x = x;
        g.y = y;
        const own = WIDE.test(g.ch) ? size : size * 0.5;
        g.w = Math.min(own, dx[k] ?? dx[dx.length - 1] ?? own) || own;
        x += dx[k] ?? (dx.length > 0 ? dx[dx.length - 1]! : own);
        y += dy[k] ?? 0;
      });
      for (const g of glyphs) if (g.ch.trim() !== '') this.writing[way]++;
      this.place(glyphs, m, deviceSize, way === 0);
    }
  }

  /** Characters → runs: a gap of more than a character's width, a step back or off the line starts another. */
  private place(glyphs: ReadonlyArray<{ ch: string; x: number; y: number; w: number }>, m: Matrix, size: number, across: boolean): void {
    let run: Array<{ ch: string; x0: number; x1: number; base: [number, number] }> = [];
    const flush = () => {
      const shown = run.filter((g) => g.ch.trim() !== '');
      if (shown.length > 0) {
        const [x0, x1] = [Math.min(...run.map((g) => Math.min(g.x0, g.x1))), Math.max(...run.map((g) => Math.max(g.x0, g.x1)))];
        const ys = run.map((g) => g.base[1]);
        const [b0, b1] = [Math.min(...ys), Math.max(...ys)];
        this.runs.push({
          text: run.map((g) => g.ch).join(''), x0, x1, y0: b0 - size, y1: b1, size,
          ...(across ? { centres: run.map((g) => (g.x0 + g.x1) / 2) } : {}),
        });
      }
      run = [];
    };
    for (const g of glyphs) {
      const [px, py] = apply(m, g.x, g.y);
      const [ex, ey] = apply(m, g.x + g.w, g.y);
      const placed = { ch: g.ch, x0: px * PT_PER_MM, x1: ex * PT_PER_MM, base: [px * PT_PER_MM, py * PT_PER_MM] as [number, number] };
      if (!across) {
        // Text running down or up the page: a box of its own each character (the page is turned as a whole if most of it runs so).
        flush();
        const half = size / 2;
        this.runs.push({ text: g.ch, x0: Math.min(placed.x0, placed.x1) - half, x1: Math.max(placed.x0, placed.x1) + half, y0: Math.min(placed.base[1], ey * PT_PER_MM) - half, y1: Math.max(placed.base[1], ey * PT_PER_MM) + half, size });
        continue;
      }
      const last = run[run.length - 1];
      if (last && (placed.x0 - last.x1 > size || placed.x0 < last.x0 - 0.1 || Math.abs(placed.base[1] - last.base[1]) > size * 0.3)) flush();
      run.push(placed);
    }
    flush();
  }

  /** Stroked straight segments that are level or plumb, and thin filled rectangles: the page's ruling lines. */
  private path(o: Element, m: Matrix): void {
    const data = children(o, 'AbbreviatedData')[0]?.text ?? '';
    const stroke = o.attrs.Stroke !== 'false';
    const fill = o.attrs.Fill === 'true';
    const tokens = data.trim().split(/\s+/);
    const subpaths: Array<Array<[number, number]>> = [];
    let current: Array<[number, number]> = [];
    let start: [number, number] | null = null;
    const point = (i: number): [number, number] => {
      const [x, y] = apply(m, Number(tokens[i]), Number(tokens[i + 1]));
      return [x * PT_PER_MM, y * PT_PER_MM];
    };
    const segments: Array<[[number, number], [number, number]]> = [];
    let curved = false;
    for (let i = 0; i < tokens.length;) {
      const op = tokens[i]!;
      const at = (n: number) => i + 1 + n;
      switch (op) {
        case 'S':
        case 'M':
          if (current.length > 1) subpaths.push(current);
          start = point(at(0));
          current = [start];
          i += 3;
          break;
        case 'L': {
          const p = point(at(0));
          const last = current[current.length - 1];
          if (last) segments.push([last, p]);
          current.push(p);
          i += 3;
          break;
        }
        case 'C': {
          const last = current[current.length - 1];
          if (last && start) segments.push([last, start]);
          if (start) current.push(start);
          i += 1;
          break;
        }
        default: {
          const operands = CURVES[op];
          if (operands !== undefined) {
            // A curve is no rule, but where it ends the path goes on.
            curved = true;
            current.push(point(at(operands - 2)));
            i += operands + 1;
          } else i += 1; // an operator zipin does not know: passed over
        }
      }
    }
    if (current.length > 1) subpaths.push(current);
    if (stroke) {
      for (const [[x0, y0], [x1, y1]] of segments) {
        if (Math.abs(y1 - y0) < 0.5 && Math.abs(x1 - x0) >= S.minRuleLength) this.rules.push({ x0: Math.min(x0, x1), x1: Math.max(x0, x1), y0: (y0 + y1) / 2, y1: (y0 + y1) / 2, horizontal: true });
        else if (Math.abs(x1 - x0) < 0.5 && Math.abs(y1 - y0) >= S.minRuleLength) this.rules.push({ x0: (x0 + x1) / 2, x1: (x0 + x1) / 2, y0: Math.min(y0, y1), y1: Math.max(y0, y1), horizontal: false });
      }
    }
    if (fill && !curved) {
      for (const sub of subpaths) {
        const xs = sub.map((p) => p[0]);
        const ys = sub.map((p) => p[1]);
        const box = { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
        const onBox = sub.every(([x, y]) => (Math.abs(x - box.x0) < 0.5 || Math.abs(x - box.x1) < 0.5) && (Math.abs(y - box.y0) < 0.5 || Math.abs(y - box.y1) < 0.5));
        if (!onBox) continue;
        const w = box.x1 - box.x0;
        const h = box.y1 - box.y0;
        if (h <= S.thinRuleWidth && w >= S.minRuleLength) this.rules.push({ x0: box.x0, x1: box.x1, y0: (box.y0 + box.y1) / 2, y1: (box.y0 + box.y1) / 2, horizontal: true });
        else if (w <= S.thinRuleWidth && h >= S.minRuleLength) this.rules.push({ x0: (box.x0 + box.x1) / 2, x1: (box.x0 + box.x1) / 2, y0: box.y0, y1: box.y1, horizontal: false });
      }
    }
  }

  /** An image: the unit square its CTM maps (OFD images fill their Boundary through the CTM). */
  private image(o: Element, m: Matrix): void {
    const corners = [apply(m, 0, 0), apply(m, 1, 0), apply(m, 0, 1), apply(m, 1, 1)].map(([x, y]) => [x * PT_PER_MM, y * PT_PER_MM] as const);
    const xs = corners.map((c) => c[0]);
    const ys = corners.map((c) => c[1]);
    if (o.attrs.ResourceID) this.images.push({ id: o.attrs.ResourceID, box: { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) } });
  }
}

/** A page's layers (after its background templates, before its foreground ones) → its graphics in points. */
export function readPageGraphics(layers: ReadonlyArray<readonly Element[]>, resources: Resources): PageGraphics {
  const reader = new PageReader(resources);
  for (const objects of layers) reader.walk(objects, IDENTITY, 0);
  return { runs: reader.runs, rules: reader.rules, images: reader.images, writing: reader.writing };
}
