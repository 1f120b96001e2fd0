/**
 * Every tolerance the PDF table reader uses, named, typed and explained in one place (as
 * pdfplumber's TableSettings and Camelot's line_tol / joint_tol are). Distances are in points,
 * gaps in ems (multiples of the font size), shares between 0 and 1.
 */
export interface TableSettings {
  // ── graphics: which drawn shapes are ruling lines ──
  /** A filled rectangle thinner than this is a border drawn as a fill (Excel, WPS and Chromium draw borders so). */
  thinRuleWidth: number;
  /** A segment whose ends differ by less than this across its axis is horizontal or vertical. */
  axisTolerance: number;
  /** A rule shorter than this is a tick or a dot, not a border. */
  minRuleLength: number;

  // ── lattice: rules → grid ──
  /** Rules closer than this are one line; a rule ending this near another touches it. */
  snapTolerance: number;
  /** Share of a grid edge a rule must cover for the edge to count as drawn (else the cells beside it merge). */
  edgeCoverage: number;
  /** Tables smaller than this (width, height) are boxes or underlines, not tables. */
  minTableWidth: number;
  minTableHeight: number;

  // ── text: glyphs → runs (as pdf.js's text layer judges gaps) ──
  /** A gap wider than this starts a new run (another cell, another column). */
  newRunGapEms: number;
  /** A visible gap wider than this (and below newRunGapEms) is a space. */
  spaceGapEms: number;
  /** A glyph placed this far back starts a new run. */
  backwardsEms: number;
  /** A glyph this far off the run's baseline starts another run (another line). */
  offLineEms: number;
  /** Share of a run's height that must be hidden on one side for the clip to count as cutting it there. */
  clipCutShare: number;

  // ── layout: runs → lines → cells ──
  /** Runs whose middles are within this share of the larger font size are on one line. */
  lineOverlap: number;
  /** Within one line of a cell, a gap wider than this between Latin words is a space. */
  wordGapEms: number;
  /** In free text (titles, notes), a gap wider than this starts another cell. */
  freeCellGapEms: number;
  /** Page numbers in pieces ("第 2 页，共 8 页"): pieces closer than this are one text. */
  pageNumberGapEms: number;

  // ── stream: unruled tables from their header line ──
  /** Pieces of a header at the same place, or one word in two runs, closer than this are one column. */
  headerJoinEms: number;
  /** Lines this close to the header line (in header font sizes) are its wrapped pieces. */
  headerWrapLines: number;
  /** Runs that touch — closer than this — are one text (a label cut by a change of font). */
  touchingEms: number;
}

export const TABLE_SETTINGS: TableSettings = {
  thinRuleWidth: 2.5,
  axisTolerance: 0.8,
  minRuleLength: 2,
  snapTolerance: 2,
  edgeCoverage: 0.6,
  minTableWidth: 20,
  minTableHeight: 10,
  newRunGapEms: 0.6,
  spaceGapEms: 0.1,
  backwardsEms: -0.2,
  offLineEms: 0.3,
  clipCutShare: 0.3,
  lineOverlap: 0.5,
  wordGapEms: 0.3,
  freeCellGapEms: 1.5,
  pageNumberGapEms: 1,
  headerJoinEms: 0.3,
  headerWrapLines: 1.3,
  touchingEms: 0.25,
};
