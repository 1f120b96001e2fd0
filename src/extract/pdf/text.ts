import type { Box, Matrix, TextRun } from './geometry.js';
import type { DrawnText } from './graphics.js';
import { LABEL_LIKE } from './layout.js';

/** What this reader uses of a pdf.js TextItem. */
export interface TextItemLike {
  str: string;
  transform: number[];
  width: number;
  height: number;
}

/** How far ahead (in characters of the show-text stream) an item's text is looked for. */
const WINDOW = 400;

const COMPATIBILITY = /[\u2f00-\u2fdf\uf900-\ufaff]/g;

/**
 * Characters a PDF's ToUnicode map gives for the ordinary ones a reader sees. The CJK Radicals
 * Supplement has no compatibility mapping, yet fonts with a poor ToUnicode map give ⻓ for 长,
 * ⻔ for 门…; and where a font draws two code points with one glyph (Noto Sans CJK SC: 户 and 戶,
 * 民 and ⺠, 食 and ⻝), Chromium's PDFs name the glyph by the lower code point. The second group is
 * what `node test/fixtures/src/glyph-aliases.mjs` finds when Chromium prints all of GB 2312.
 */
const ALIASES: Record<string, string> = {
  '⺟': '母', '⻅': '见', '⻆': '角', '⻉': '贝', '⻋': '车', '⻐': '钅', '⻓': '长', '⻔': '门', '⻙': '韦', '⻚': '页',
  '⻛': '风', '⻜': '飞', '⻠': '饣', '⻢': '马', '⻥': '鱼', '⻦': '鸟', '⻧': '卤', '⻨': '麦', '⻩': '黄', '⻪': '黾',
  '⻬': '齐', '⻮': '齿', '⻰': '龙', '⻳': '龟',
  '⻣': '骨', '⻤': '鬼', '戶': '户', '㬵': '胶', '⺠': '民', '⻘': '青', '⻝': '食', '⺒': '巳', '⺉': '刂', '⺅': '亻',
  '⻈': '讠', '⻖': '阝', '⺾': '艹', '⺐': '尢', '⺘': '扌', '⺨': '犭', '⺖': '忄', '⺦': '丬', '⺡': '氵', '⻌': '辶',
  '⺕': '彐', '⺰': '纟', '⺓': '幺', '⺙': '攵', '⺣': '灬', '⺭': '礻', '⺺': '肀', '⻂': '衤',
};
const ALIASED = new RegExp(`[${Object.keys(ALIASES).join('')}]`, 'g'); // all in the BMP

/**
 * Kangxi radicals (U+2F00–2FD5), CJK compatibility ideographs and the aliases above look like
 * ordinary characters but are not what the page means: fonts without a proper ToUnicode map give
 * them for 一, 人, 长… Map them to the unified ideographs (NFKC on those characters only:
 * full-width punctuation stays as printed).
 */
export function normalizeCjk(text: string): string {
  return text.replace(COMPATIBILITY, (c) => c.normalize('NFKC')).replace(ALIASED, (c) => ALIASES[c]!);
}

/**
 * The clip each text item was drawn under, found by walking the show-text operators alongside
 * the items (both in drawing order, same characters). undefined: the page could not be matched
 * reliably, so clipping is not used on it.
 */
function clipsOf(items: readonly TextItemLike[], drawn: readonly DrawnText[]): Array<Box | null> | undefined {
  const stream = drawn.map((d) => d.chars).join('');
  const owner = new Int32Array(stream.length); // which show-text operator drew each code unit
  for (let d = 0, at = 0; d < drawn.length; at += drawn[d]!.chars.length, d++) owner.fill(d, at, at + drawn[d]!.chars.length);
  const clips: Array<Box | null> = [];
  let p = 0;
  let matched = 0;
  let total = 0;
  for (const item of items) {
    const chars = item.str.replace(/\s+/g, '');
    if (chars === '') {
      clips.push(null);
      continue;
    }
    total++;
    // Look a little ahead only: an item the operators do not show is skipped, not searched for page-wide.
    const ahead = stream.slice(p, p + WINDOW + chars.length - 1).indexOf(chars);
    if (ahead < 0) {
      clips.push(null);
      continue;
    }
    matched++;
    clips.push(drawn[owner[p + ahead]!]!.clip);
    p += ahead + chars.length;
  }
  return total === 0 || matched / total >= 0.9 ? clips : undefined;
}

/** Share of a run's height that must be hidden on one side for it to count as cut there. */
const CUT = 0.3;

/**
 * A run as the page shows it under the clip it was drawn with, or null where it cannot be seen.
 * A merged cell cut by a page break is drawn whole on both pages, clipped to each page's part
 * (LibreOffice): a line of its label cut by the break is kept, moved inside the clip, on the
 * page where its top shows, and not taken again where only its lower part shows. Clips may be
 * as tight as the ink (cairo), so a run is cut only where much more of it is hidden on one side.
 */
function underClip(run: TextRun, clip: Box | null): TextRun | null {
  if (clip === null) return run;
  const cx = (run.x0 + run.x1) / 2;
  if (cx < clip.x0 - 1 || cx > clip.x1 + 1) return null;
  const height = run.y1 - run.y0 || 1;
  const above = Math.max(0, clip.y0 - run.y0) / height;
  const below = Math.max(0, run.y1 - clip.y1) / height;
  if (above + below >= 1) return null; // nothing of it shows
  if (LABEL_LIKE(run.text.trim())) {
    if (above >= CUT && above > below + 0.2) return null;
    if (below >= CUT && below > above + 0.2) {
      const up = run.y1 - clip.y1;
      return { ...run, y0: run.y0 - up, y1: run.y1 - up };
    }
  }
  return run;
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
  const seen = new Set<Box>(); // clips under which some text shows
  const hidden: Array<{ run: TextRun; clip: Box | null }> = [];
  const [va, vb, vc, vd, ve, vf] = viewport;
  items.forEach((item, index) => {
    if (item.str.trim() === '') return;
    const [a, b, c, d, e, f] = item.transform as [number, number, number, number, number, number];
    const along = Math.hypot(a, b) || 1;
    const size = item.height || Math.hypot(c, d) || 1;
    const dx = (a / along) * item.width;
    const dy = (b / along) * item.width;
    // Glyphs stand on the left of the writing direction. Not along (c, d): a font matrix can flip
    // that (cairo writes text with a mirrored text matrix and fonts that mirror it back).
    const ux = (-b / along) * size;
    const uy = (a / along) * size;
    // The item's four corners in text space, then its bounding box in device space.
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (const [x, y] of [[e, f], [e + dx, f + dy], [e + ux, f + uy], [e + dx + ux, f + dy + uy]] as const) {
      const px = va * x + vc * y + ve;
      const py = vb * x + vd * y + vf;
      if (px < x0) x0 = px;
      if (px > x1) x1 = px;
      if (py < y0) y0 = py;
      if (py > y1) y1 = py;
    }
    const run: TextRun = { text: normalizeCjk(item.str), x0, y0, x1, y1, size: size * Math.hypot(va, vb) };
    const clip = clips?.[index] ?? null;
    const shown = clips ? underClip(run, clip) : run;
    if (shown) {
      runs.push(shown);
      if (clip) seen.add(clip);
    } else hidden.push({ run, clip });
  });
  // A clip that shows some of a cell's lines is that cell (LibreOffice draws a merged cell's whole
  // text under the clip of its part on this page): its lines cut off by the page break are still
  // its text, put at the clip's edge so that they keep their order.
  for (const { run, clip } of hidden) {
    if (clip === null || !seen.has(clip)) {
      clipped.push(run);
      continue;
    }
    const height = run.y1 - run.y0;
    const y0 = Math.min(Math.max(run.y0, clip.y0), clip.y1 - height);
    runs.push({ ...run, y0, y1: y0 + height });
  }
  return { runs, clipped };
}
