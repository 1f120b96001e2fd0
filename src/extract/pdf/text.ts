import { apply, type Box, type Matrix, type TextRun } from './geometry.js';
import type { DrawnText } from './graphics.js';

/** What this reader uses of a pdf.js TextItem. */
export interface TextItemLike {
  str: string;
  transform: number[];
  width: number;
  height: number;
}

const COMPATIBILITY = /[\u2f00-\u2fdf\uf900-\ufaff]/g;

/**
 * The C-simplified radicals (CJK Radicals Supplement) have no compatibility mapping, but fonts
 * with a poor ToUnicode map give them for the ordinary characters: ⻓ for 长, ⻔ for 门…
 */
const SIMPLIFIED_RADICALS: Record<string, string> = {
  '⺟': '母', '⻅': '见', '⻆': '角', '⻉': '贝', '⻋': '车', '⻐': '钅', '⻓': '长', '⻔': '门', '⻙': '韦', '⻚': '页',
  '⻛': '风', '⻜': '飞', '⻠': '饣', '⻢': '马', '⻥': '鱼', '⻦': '鸟', '⻧': '卤', '⻨': '麦', '⻩': '黄', '⻪': '黾',
  '⻬': '齐', '⻮': '齿', '⻰': '龙', '⻳': '龟',
};
const RADICALS = new RegExp(`[${Object.keys(SIMPLIFIED_RADICALS).join('')}]`, 'g');

/**
 * Kangxi radicals (U+2F00–2FD5), CJK compatibility ideographs and simplified radicals look like
 * ordinary characters but are not: fonts without a proper ToUnicode map give them for 一, 人, 长…
 * Map them to the unified ideographs (NFKC on those characters only: full-width punctuation
 * stays as printed).
 */
export function normalizeCjk(text: string): string {
  return text.replace(COMPATIBILITY, (c) => c.normalize('NFKC')).replace(RADICALS, (c) => SIMPLIFIED_RADICALS[c]!);
}

/**
 * The clip each text item was drawn under, found by walking the show-text operators alongside
 * the items (both in drawing order, same characters). undefined: the page could not be matched
 * reliably, so clipping is not used on it.
 */
function clipsOf(items: readonly TextItemLike[], drawn: readonly DrawnText[]): Array<Box | null> | undefined {
  const stream: Array<{ ch: string; clip: Box | null }> = [];
  for (const d of drawn) for (const ch of d.chars) stream.push({ ch, clip: d.clip });
  const clips: Array<Box | null> = [];
  let p = 0;
  let matched = 0;
  let total = 0;
  for (const item of items) {
    const chars = Array.from(item.str.replace(/\s+/g, ''));
    if (chars.length === 0) {
      clips.push(null);
      continue;
    }
    total++;
    let at = -1;
    for (let q = p; q < Math.min(stream.length, p + 400) && at < 0; q++) {
      if (chars.every((c, k) => stream[q + k]?.ch === c)) at = q;
    }
    if (at < 0) {
      clips.push(null);
      continue;
    }
    matched++;
    clips.push(stream[at]!.clip);
    p = at + chars.length;
  }
  return total === 0 || matched / total >= 0.9 ? clips : undefined;
}

function visible(box: Box, clip: Box | null): boolean {
  if (clip === null) return true;
  const cx = (box.x0 + box.x1) / 2;
  const cy = (box.y0 + box.y1) / 2;
  return cx >= clip.x0 - 1 && cx <= clip.x1 + 1 && cy >= clip.y0 - 1 && cy <= clip.y1 + 1;
}

/**
 * pdf.js text items → runs with their boxes in device space (viewport applied, so rotation too).
 * Text drawn outside its clip (a merged cell's text clipped at a page break) is invisible: it
 * comes back apart, as `clipped`.
 */
export function readText(items: readonly TextItemLike[], viewport: Matrix, drawn: readonly DrawnText[] = []): { runs: TextRun[]; clipped: TextRun[] } {
  const runs: TextRun[] = [];
  const clipped: TextRun[] = [];
  const clips = clipsOf(items, drawn);
  for (const [index, item] of items.entries()) {
    if (item.str.trim() === '') continue;
    const [a, b, c, d, e, f] = item.transform as [number, number, number, number, number, number];
    const along = Math.hypot(a, b) || 1;
    const up = Math.hypot(c, d) || 1;
    const size = item.height || up;
    const dx = (a / along) * item.width;
    const dy = (b / along) * item.width;
    const ux = (c / up) * size;
    const uy = (d / up) * size;
    const corners = [apply(viewport, e, f), apply(viewport, e + dx, f + dy), apply(viewport, e + ux, f + uy), apply(viewport, e + dx + ux, f + dy + uy)];
    const xs = corners.map((p) => p[0]);
    const ys = corners.map((p) => p[1]);
    const box = { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
    const run = { text: normalizeCjk(item.str), ...box, size: size * Math.hypot(viewport[0], viewport[1]) };
    if (clips && !visible(box, clips[index] ?? null)) clipped.push(run);
    else runs.push(run);
  }
  return { runs, clipped };
}
