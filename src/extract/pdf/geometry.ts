/** Device-space geometry shared by the PDF readers: points, y growing downwards, 1 unit = 1 pt. */

export type Matrix = readonly [number, number, number, number, number, number];

export const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** m × n in PDF order: apply n first, then m (like pdf.js Util.transform(m, n)). */
export function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[2] * n[1], m[1] * n[0] + m[3] * n[1],
    m[0] * n[2] + m[2] * n[3], m[1] * n[2] + m[3] * n[3],
    m[0] * n[4] + m[2] * n[5] + m[4], m[1] * n[4] + m[3] * n[5] + m[5],
  ];
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A ruling line: horizontal (y0 === y1) or vertical (x0 === x1), with x0 ≤ x1 and y0 ≤ y1. */
export type Rule = Box & { horizontal: boolean };

/** A run of text as pdf.js drew it, with its box in device space. */
export interface TextRun extends Box {
  text: string;
  /** Font size in device units (line height proxy). */
  size: number;
  /**
   * Where each character of `text` stands across the page: the x of its centre in device space
   * (horizontal text read from the page), so that a run crossing a rule is cut exactly there.
   */
  centres?: number[];
  /** For a run its clip hides: the clip it was drawn under (where its cell shows on this page). */
  clip?: Box | null;
  /** Read by OCR: the recogniser's lowest confidence among its characters (0–1). */
  confidence?: number;
  /** Read by OCR, with digits in it: the same crop read in the numeric alphabet, where that differs (see Recognised). */
  digits?: string;
  /** Read by OCR and taken as something else (a sign read by its shape): what the recogniser read. */
  recognised?: string;
}
