/**
 * A text layer that maps glyphs to the wrong characters: a re-distilled PDF (Ghostscript) whose
 * rewritten fonts carry a broken ToUnicode map prints 项目名称 correctly but its text says
 * "ù目]称". Latin-1 and Latin Extended letters and signs right beside Chinese characters give it
 * away; real forms do not write them (¥ ± ° · × ÷ excepted: 金额¥100, 误差±5%, 买买提·艾力).
 * Characters in the Private Use Area say it anywhere: a font without a Unicode map (OFD and PDF
 * producers embed such fonts) gives its glyph numbers for text.
 */
const ODD = '[\\u00a1-\\u00a4\\u00a6-\\u00af\\u00b2-\\u00b6\\u00b8-\\u00d6\\u00d8-\\u00f6\\u00f8-\\u024f\\ue000-\\uf8ff]'; // Latin-1 and Latin Extended-A/B, less ¥ ± ° · × ÷; private use
const GARBLED = new RegExp(`[\\u3400-\\u9fff]${ODD}|${ODD}[\\u3400-\\u9fff]|[\\ue000-\\uf8ff]`);
/** One odd character anywhere: the cheap test that spares nearly every cell the one above. */
const ANY_ODD = new RegExp(ODD);

/** A few characters around the first garbled spot in the rows' cells, or null when none looks garbled. */
export function garbledSample(rows: ReadonlyArray<{ readonly cells: readonly string[] }>): string | null {
  for (const row of rows) {
    for (const text of row.cells) {
      if (!ANY_ODD.test(text)) continue;
      const m = GARBLED.exec(text);
      if (m) return text.slice(Math.max(0, m.index - 2), m.index + 4);
    }
  }
  return null;
}
