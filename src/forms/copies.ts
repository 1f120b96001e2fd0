import { createHash } from 'node:crypto';
import { FUNDING_LINE_NAMES } from '../form/columns.js';
import type { Confidence, Flag } from '../model/flag.js';
import type { FundingLineCode } from '../model/parsed.js';
import { confidenceOf } from '../validate/validate.js';

/**
 * Copies of one form (the same evaluation found in several files): which one is counted, and
 * where their figures differ. The rule, in order: a copy its document still serves (a crawled
 * file's older version is kept, not counted); one that knows its year over one that does not (the
 * counted copy places the form in every answer by year); one read from a text layer over one read by OCR;
 * the higher confidence; fewer warnings and errors; fewer repairs (a table's own cells over a
 * text export's shifted ones); then the one whose file's bytes sort first, so that which copy is
 * counted never depends on the order files were read in. Figures that differ are never
 * averaged: each copy keeps its own, and the form says where they differ.
 *
 * All but the first criterion are the copy's own and never change, so they are written with it
 * as one sortable key (its rank), and its figures as one fingerprint: choosing the counted copy
 * and telling whether copies disagree then needs neither their flags nor their figures, and a
 * form's hundredth copy costs what its second did.
 */

const RANK: Record<Confidence, number> = { high: 0, medium: 1, low: 2 };
const digits = (n: number, width: number) => String(Math.min(n, 10 ** width - 1)).padStart(width, '0');

/**
 * A copy's rank, from its own flags (those the store puts on it for its copies left out), its file's bytes and
 * its place in the file: text that sorts better copies (of equal currency) first. Fixed-width
 * digits and lower-case hex only, so that every collation (SQLite's, PostgreSQL's locale) sorts
 * it the same.
 */
export function copyRank(flags: ReadonlyArray<{ code: string; severity: Flag['severity'] }>, sha256: string | null, blockIndex: number): string {
  const own = flags.filter((f) => f.code !== 'copies_disagree' && f.code !== 'form_ambiguous');
  const yearless = own.some((f) => f.code === 'year_unknown') ? 1 : 0;
  const ocr = own.some((f) => f.code === 'ocr') ? 1 : 0;
  const problems = own.filter((f) => f.severity !== 'info').length;
  return `${yearless}${ocr}${RANK[confidenceOf(own)]}${digits(problems, 4)}${digits(own.length - problems, 4)}${(sha256 ?? '').toLowerCase()}${digits(blockIndex, 6)}`;
}

/** A copy as the store knows it: whether its document still serves it, and its rank. */
export interface Copy {
  current: boolean;
  rank: string;
}

const better = (a: Copy, b: Copy) => (a.current !== b.current ? a.current : a.rank < b.rank);

/** The copy counted for the form: a current one over one no longer served, then the lowest rank. */
export function counted<C extends Copy>(copies: readonly C[]): C {
  return copies.reduce((best, c) => (better(c, best) ? c : best));
}

/** The figures of a record, as written: amounts in 元, weights, scores, rates, indicator values. */
export interface FigureSource {
  projectAmountYuan: number | null;
  totalWeight: number | null;
  totalScore: number | null;
  funding: ReadonlyArray<{ line: FundingLineCode; initialYuan: number | null; fullYearYuan: number | null; executedYuan: number | null;
    weight: number | null; rate: number | null; score: number | null }>;
  indicators: ReadonlyArray<{ seq: number; weight: number | null; score: number | null; targetValue: number | null; actualValue: number | null }>;
}

/** Every figure of a record by name, in the form's order (funding lines by code, indicators by number). */
export function figuresOf(r: FigureSource): Map<string, number | null> {
  const m = new Map<string, number | null>([['项目金额', r.projectAmountYuan], ['总分 分值', r.totalWeight], ['总分 得分', r.totalScore]]);
  for (const f of [...r.funding].sort((a, b) => (a.line < b.line ? -1 : a.line > b.line ? 1 : 0))) {
    const line = FUNDING_LINE_NAMES[f.line];
    for (const [name, value] of [['年初预算数', f.initialYuan], ['全年预算数', f.fullYearYuan], ['全年执行数', f.executedYuan], ['分值', f.weight], ['执行率', f.rate], ['得分', f.score]] as const) {
      m.set(`${line} ${name}`, value);
    }
  }
  m.set('指标数', r.indicators.length);
  for (const i of [...r.indicators].sort((a, b) => a.seq - b.seq)) {
    m.set(`indicator ${i.seq} 分值`, i.weight);
    m.set(`indicator ${i.seq} 得分`, i.score);
    m.set(`indicator ${i.seq} 年度指标值`, i.targetValue);
    m.set(`indicator ${i.seq} 实际完成值`, i.actualValue);
  }
  return m;
}

/** One fingerprint for a record's figures: copies with the same one agree on every figure. */
export function figuresFingerprint(figures: ReadonlyMap<string, number | null>): string {
  return createHash('sha256').update(JSON.stringify([...figures])).digest('hex');
}

/** The current copies that give one set of figures: the best of them, and how many they are. */
export interface Variant {
  figures: ReadonlyMap<string, number | null>;
  /** Where its best copy was read: the file, its format, its pages or lines. */
  where: string;
  copies: number;
}

/** A figure the current copies give differently, with each variant's value. */
export interface Disagreement {
  figure: string;
  values: Array<{ value: number | null; where: string; copies: number }>;
}

/** Where variants' figures differ (the counted copy's variant first, in its order of figures, then the others'). */
export function disagreements(variants: readonly Variant[]): Disagreement[] {
  if (variants.length < 2) return [];
  const names = [...new Set(variants.flatMap((v) => [...v.figures.keys()]))];
  const out: Disagreement[] = [];
  for (const figure of names) {
    const values = variants.map((v) => ({ value: v.figures.get(figure) ?? null, where: v.where, copies: v.copies }));
    if (values.some((v) => v.value !== values[0]!.value)) out.push({ figure, values });
  }
  return out;
}

const show = (v: number | null) => (v === null ? '(none)' : String(v));
const others = (copies: number) => (copies <= 1 ? '' : ` and ${copies - 1} more ${copies === 2 ? 'copy' : 'copies'}`);

/** The flag message of copies that disagree: each figure with every variant's value and where it was read. */
export function disagreementMessage(found: readonly Disagreement[], copies: number, countedWhere: string): string {
  const listed = found.slice(0, 8).map((d) => `${d.figure}: ${d.values.map((v) => `${show(v.value)} in ${v.where}${others(v.copies)}`).join(', ')}`);
  const more = found.length > 8 ? `; and ${found.length - 8} more` : '';
  return `${copies} copies of this form give different figures — ${listed.join('; ')}${more}; counted: ${countedWhere}`;
}
