import { YEAR_IN_NAME, YEAR_IN_TEXT, YEAR_MENTION, YEAR_WHOLE } from '../form/vocabulary.js';
import type { ValidatedEvaluation } from '../model/evaluation.js';
import { flag } from '../model/flag.js';

/**
 * The year of a form that prints none (no 绩效自评年度, no year in its heading), from what else
 * says it, in this order: the year its document's other forms print (all the same one); the
 * form's own cells (its goals and indicators: "2021年度内完成", "2020年1月至2020年12月", one
 * year clearly outweighing the others); its document's title or headings (2022年度部门决算);
 * its file's name or path. Each inferred year carries a
 * `year_inferred` flag saying where it came from; a form with no year anywhere a `year_unknown`
 * flag saying where it was looked for. The document-wide step of normalize: it reads every form
 * of one document, and the document's text outside them.
 */

/** What a document says besides its forms. */
export interface YearContext {
  /** The document's lines outside its forms (a report's title and headings), in order. */
  outside: readonly string[];
  /** The file's name or path (an archive member's path inside it), or the URL it came from. */
  source: string;
}

/** How much more a year's evidence must weigh than the next year's to be taken. */
const MARGIN = 2;
/** A whole year stated (2021年度) weighs this many dates (2021年5月). */
const WHOLE_WEIGHT = 3;

interface Evidence {
  year: number;
  /** What said it, for the flag: the phrases, with how often each was met. */
  said: string;
}

/** The year `texts` speak of, when one clearly outweighs the others (`wholeOnly`: counting only whole years stated). */
function yearOfTexts(texts: ReadonlyArray<string | null>, wholeOnly: boolean): Evidence | null {
  const weight = new Map<number, number>();
  const phrases = new Map<number, Map<string, number>>();
  const add = (year: number, phrase: string, w: number) => {
    weight.set(year, (weight.get(year) ?? 0) + w);
    const p = phrases.get(year) ?? new Map<string, number>();
    p.set(phrase, (p.get(phrase) ?? 0) + 1);
    phrases.set(year, p);
  };
  for (const text of texts) {
    // Every pattern needs a 年; most cells (names, numbers) have none, and a search is dear.
    if (text === null || !text.includes('年')) continue;
    const whole = new Set<number>();
    for (const m of text.matchAll(YEAR_WHOLE)) {
      add(Number(m[1]), m[0].replace(/\s+/g, ''), WHOLE_WEIGHT);
      whole.add(m.index!);
    }
    if (wholeOnly) continue;
    for (const m of text.matchAll(YEAR_MENTION)) if (!whole.has(m.index!)) add(Number(m[1]), m[0].replace(/\s+/g, ''), 1);
  }
  const ranked = [...weight].sort((a, b) => b[1] - a[1]);
  const [best, next] = ranked;
  if (best === undefined || best[1] < MARGIN || (next !== undefined && best[1] - next[1] < MARGIN)) return null;
  const said = [...phrases.get(best[0])!].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([p, n]) => (n > 1 ? `${p} (${n}×)` : p)).join(', ');
  return { year: best[0], said };
}

/** The cells of a form that can say its year: goals, indicator names, targets, results, reasons. */
const cellsOf = (e: ValidatedEvaluation) => [e.goalExpected, e.goalActual, ...e.indicators.flatMap((i) => [i.name, i.target, i.actual, i.deviation])];

/** The one year the document's other forms print, when they all print the same. */
function printedByOthers(printed: ReadonlyArray<number | null>): number | null {
  const years = new Set(printed.filter((y): y is number => y !== null));
  return years.size === 1 ? [...years][0]! : null;
}

/** A year in the document's title or headings: the first line outside its forms that names one as a whole year, else any. */
function yearOfOutside(outside: readonly string[]): Evidence | null {
  for (const pattern of [YEAR_WHOLE, YEAR_IN_TEXT]) {
    for (const line of outside) {
      const m = new RegExp(pattern.source).exec(line);
      if (m) return { year: Number(m[1]), said: line.length > 40 ? `${line.slice(0, 40)}…` : line };
    }
  }
  return null;
}

/** One year in the file's name or path (more than one different: none). */
function yearOfName(source: string): number | null {
  const years = new Set([...source.matchAll(YEAR_IN_NAME)].map((m) => Number(m[1])));
  return years.size === 1 ? [...years][0]! : null;
}

export function inferYears(evaluations: readonly ValidatedEvaluation[], context: YearContext): ValidatedEvaluation[] {
  if (evaluations.every((e) => e.year !== null)) return [...evaluations];
  const printed = evaluations.map((e) => e.year);
  const byOthers = printedByOthers(printed);
  const undated = evaluations.filter((e) => e.year === null);
  // A form's cells alone decide only when they state a whole year (2021年度); dates (2021年5月)
  // are as often when a reason was written: the document's year-less forms are weighed together.
  const own = evaluations.map((e) => (e.year === null && byOthers === null ? yearOfTexts(cellsOf(e), true) : null));
  const pooled = byOthers === null ? yearOfTexts(undated.flatMap(cellsOf), false) : null;
  const outside = yearOfOutside(context.outside);
  const named = yearOfName(context.source);
  return evaluations.map((e, k) => {
    if (e.year !== null) return e;
    const cells = own[k] ?? null;
    const [year, where] = byOthers !== null ? [byOthers, `the year the document's other forms print`]
      : cells !== null ? [cells.year, `the form's own cells: ${cells.said}`]
        : pooled !== null ? [pooled.year, `the cells of the document's forms that print no year: ${pooled.said}`]
          : outside !== null ? [outside.year, `the document's title or headings: ${outside.said}`]
            : named !== null ? [named, `the file's name: ${context.source}`]
              : [null, null];
    if (year === null) {
      return { ...e, flags: [...e.flags, flag('year_unknown', 'info', 'the form prints no year, and none was found in its cells, its document or its file name')] };
    }
    return { ...e, year, flags: [...e.flags, flag('year_inferred', 'info', `the form prints no year; ${year} from ${where}`)] };
  });
}
