import type { Box, TextRun } from './geometry.js';
import type { ShownText } from './shown-text.js';
import { LABEL_LIKE } from './cells.js';
import { TABLE_SETTINGS as S } from './settings.js';

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
 * A run as the page shows it under the clip it was drawn with, or null where it cannot be seen.
 * A merged cell cut by a page break is drawn whole on both pages, clipped to each page's part
 * (LibreOffice): a line of its label cut by the break is kept, moved inside the clip, on the
 * page where its top shows, and not taken again where only its lower part shows. Clips may be
 * as tight as the ink (cairo), so a run is cut only where much more of it is hidden on one side.
 * Across, a run wider than its clip (a number too wide for its cell, cut at the cell's edges) is
 * that cell's text: kept whole, within the clip, so that the rule it overhangs does not cut it.
 */
function underClip(drawn: TextRun, clip: Box | null): TextRun | null {
  if (clip === null) return drawn;
  const x0 = Math.max(drawn.x0, clip.x0);
  const x1 = Math.min(drawn.x1, clip.x1);
  let run = drawn;
  if (x1 > x0) {
    if (x0 > drawn.x0 || x1 < drawn.x1) run = { ...drawn, x0, x1, ...(drawn.centres ? { centres: drawn.centres.map((c) => Math.min(Math.max(c, x0), x1)) } : {}) };
  } else {
    const cx = (drawn.x0 + drawn.x1) / 2;
    if (cx < clip.x0 - 1 || cx > clip.x1 + 1) return null;
  }
  const height = run.y1 - run.y0 || 1;
  const above = Math.max(0, clip.y0 - run.y0) / height;
  const below = Math.max(0, run.y1 - clip.y1) / height;
  if (above + below >= 1) return null; // nothing of it shows
  if (LABEL_LIKE(run.text.trim())) {
    if (above >= S.clipCutShare && above > below + 0.2) return null;
    if (below >= S.clipCutShare && below > above + 0.2) {
      const up = run.y1 - clip.y1;
      return { ...run, y0: run.y0 - up, y1: run.y1 - up };
    }
  }
  return run;
}

/**
 * The page's text runs as a reader sees them: characters normalised, and text drawn outside its
 * clip (a merged cell's text clipped at a page break) invisible — it comes back apart, as `clipped`.
 */
export function readText(shown: readonly ShownText[]): { runs: TextRun[]; clipped: TextRun[] } {
  const runs: TextRun[] = [];
  const clipped: TextRun[] = [];
  const seen = new Set<Box>(); // clips under which some text shows
  const hidden: Array<{ run: TextRun; clip: Box | null }> = [];
  for (const { run: drawn, clip } of shown) {
    const run = { ...drawn, text: normalizeCjk(drawn.text) };
    const visible = underClip(run, clip);
    if (visible) {
      runs.push(visible);
      if (clip) seen.add(clip);
    } else hidden.push({ run, clip });
  }
  // A clip that shows some of a cell's lines is that cell (LibreOffice draws a merged cell's whole
  // text under the clip of its part on this page): its lines cut off by the page break are still
  // its text, put at the clip's edge so that they keep their order.
  for (const { run, clip } of hidden) {
    if (clip === null || !seen.has(clip)) {
      clipped.push({ ...run, clip });
      continue;
    }
    const height = run.y1 - run.y0;
    const y0 = Math.min(Math.max(run.y0, clip.y0), clip.y1 - height);
    runs.push({ ...run, y0, y1: y0 + height });
  }
  return { runs, clipped };
}
