/**
 * Every tolerance the OCR reader uses, named and explained in one place (as the PDF reader's
 * TableSettings). Lengths are in points of the printed page (1/72 inch) and turned into pixels
 * by the scan's resolution, so one setting holds for 100, 150 and 300 dpi; gaps in line heights.
 */
export interface OcrSettings {
  // ── the page image ──
  /** Scans are deskewed within ± this many degrees (a sheet fed crooked is off by one or two). */
  maxSkewDegrees: number;
  /** Skew is searched in coarse steps, then finely around the best (degrees). */
  skewCoarseStep: number;
  skewFineStep: number;
  /** An image file's page is taken to be A4 across its shorter side (points), to know its resolution. */
  imagePageShortSide: number;
  /** Images smaller than this many pixels across are no scanned page (icons, stamps). */
  minPagePixels: number;

  // ── ruling lines from the raster ──
  /** A horizontal ink run at least this long is a ruling line (text strokes are far shorter). */
  minHorizontalRule: number;
  /** A vertical run this long is a rule when both its ends meet horizontal rules (a one-row divider)… */
  minVerticalRuleBetween: number;
  /** …and this long on its own. */
  minVerticalRule: number;
  /** Breaks in a scanned line up to this long are bridged (toner gaps, speckle lost to the threshold). */
  ruleGap: number;
  /** Thicker than this, a dark band is a filled area or a stamp, not a rule. */
  maxRuleThickness: number;
  /** A vertical rule's end this near a horizontal rule meets it. */
  ruleMeet: number;
  /** Share of a rule's length its most solid pixel line must ink (a run bridged through text is full of holes). */
  ruleSolid: number;
  /** At most this share of a rule's length may have ink just beside it (text strokes lined up have ink all round). */
  ruleBeside: number;

  // ── speckle ──
  /** Ink blobs no larger than this across… */
  maxSpeckSize: number;
  /** …with no other ink within this distance are scanner speckle, not marks of text (a decimal point, a 、 sit by their characters, some ems away at most). */
  speckIsolation: number;

  // ── text lines in a cell or in the free text ──
  /** Ink bands thinner than this are a dash only when at least `minDashWidth` wide; else noise. */
  minTextHeight: number;
  minDashWidth: number;
  /** Bands taller than this are no line of text (a seal, a picture). */
  maxTextHeight: number;
  /** A run's box reaches this many ink heights above and below its ink, as a font's em box does. */
  emOverInk: number;
  /** Within a line, a gap wider than this many line heights starts another piece (another cell of free text). */
  pieceGapLines: number;
  /**
   * Each crop for the recogniser keeps this many line heights of paper above and below the ink
   * (its text then fills the share of the crop it did in training), and `cropPadSide` to its
   * sides — little: the recogniser's time grows with the crop's width.
   */
  cropPadLines: number;
  cropPadSide: number;
  /** Paper added after a wrapped line's ink, in line heights: a comma ending it is not read at the crop's very edge. */
  paperAfter: number;
  /** A crop narrower than this many times its height (a lone digit or dash) is widened with paper to it. */
  minCropAspect: number;
}

export const OCR_SETTINGS: OcrSettings = {
  maxSkewDegrees: 3,
  skewCoarseStep: 0.2,
  skewFineStep: 0.01,
  imagePageShortSide: 595.28,
  minPagePixels: 300,
  minHorizontalRule: 24,
  minVerticalRuleBetween: 6,
  minVerticalRule: 24,
  ruleGap: 1.5,
  maxRuleThickness: 3,
  ruleMeet: 1.5,
  ruleSolid: 0.85,
  ruleBeside: 0.35,
  maxSpeckSize: 1.2,
  speckIsolation: 4,
  minTextHeight: 2.5,
  minDashWidth: 5,
  maxTextHeight: 40,
  emOverInk: 0.12,
  pieceGapLines: 1.2,
  cropPadLines: 0.4,
  cropPadSide: 0.1,
  paperAfter: 0.4,
  minCropAspect: 2,
};
