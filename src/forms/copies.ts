import type { Confidence } from '../model/flag.js';

/**
 * Copies of one form (the same evaluation found in several files): which one is counted, and
 * where their figures differ. The rule, in order: a copy its document still serves (a crawled
 * file's older version is kept, not counted); one read from a text layer over one read by OCR;
 * the higher confidence; fewer warnings and errors; fewer repairs (a table's own cells over a
 * text export's shifted ones); then the one whose file's bytes sort first, so that which copy is
 * counted never depends on the order files were read in. Figures that
 * differ are never averaged: each copy keeps its own, and the form says where they differ.
 */

/** One copy as the store knows it, with the figures its record holds. */
export interface Copy {
  evaluationId: number;
  /** Its document is the one its URL (or path) serves now. */
  current: boolean;
  /** Read by OCR (flag ocr). */
  ocr: boolean;
  confidence: Confidence;
  /** Its warn and error flags, but the copies' own. */
  problems: number;
  /** Its info flags: repairs the parser made. */
  repairs: number;
  sha256: string;
  blockIndex: number;
  /** Where it was read: the file, its format, its pages or lines. */
  where: string;
  /** Every figure of the record by name: amounts in 元, weights, scores, rates, indicator values. */
  figures: ReadonlyMap<string, number | null>;
}

const RANK: Record<Confidence, number> = { high: 0, medium: 1, low: 2 };

/** The copy counted for the form. */
export function counted(copies: readonly Copy[]): Copy {
  return [...copies].sort((a, b) => Number(b.current) - Number(a.current) || Number(a.ocr) - Number(b.ocr)
    || RANK[a.confidence] - RANK[b.confidence] || a.problems - b.problems || a.repairs - b.repairs
    || (a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : 0) || a.blockIndex - b.blockIndex)[0]!;
}

/** A figure the current copies give differently, with each copy's value. */
export interface Disagreement {
  figure: string;
  values: Array<{ value: number | null; where: string }>;
}

/** Where the current copies' figures differ (in the counted copy's order of figures, then the others'). */
export function disagreements(copies: readonly Copy[], chosen: Copy): Disagreement[] {
  const current = copies.filter((c) => c.current);
  if (current.length < 2) return [];
  const names = [...new Set([...chosen.figures.keys(), ...current.flatMap((c) => [...c.figures.keys()])])];
  const out: Disagreement[] = [];
  for (const figure of names) {
    const values = [chosen, ...current.filter((c) => c !== chosen)].map((c) => ({ value: c.figures.get(figure) ?? null, where: c.where }));
    if (values.some((v) => v.value !== values[0]!.value)) out.push({ figure, values });
  }
  return out;
}

const show = (v: number | null) => (v === null ? '(none)' : String(v));

/** The flag message of copies that disagree: each figure with every copy's value and where it was read. */
export function disagreementMessage(found: readonly Disagreement[], copies: number, chosen: Copy): string {
  const listed = found.slice(0, 8).map((d) => `${d.figure}: ${d.values.map((v) => `${show(v.value)} in ${v.where}`).join(', ')}`);
  const more = found.length > 8 ? `; and ${found.length - 8} more` : '';
  return `${copies} copies of this form give different figures — ${listed.join('; ')}${more}; counted: ${chosen.where}`;
}
