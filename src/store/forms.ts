import { FUNDING_LINE_NAMES } from '../form/columns.js';
import { counted, disagreementMessage, disagreements, type Copy } from '../forms/copies.js';
import { formIdentity, type FormFields } from '../forms/identity.js';
import type { Confidence } from '../model/flag.js';
import type { FundingLineCode } from '../model/parsed.js';
import { lockFor, rows, run, type Steps } from './sql.js';

/**
 * The dataset's forms: each evaluation is linked to the form it is a copy of (forms.identity,
 * see src/forms/identity.ts), and exactly one copy of each form is counted (evaluations.counted)
 * — the one src/forms/copies.ts chooses; copies whose figures differ put a copies_disagree flag
 * on the counted one, with every copy's values. Written in the transaction of the document
 * whose evaluations changed; a form's first copy is counted as it is written.
 */

/** An evaluation as found (or stored), for telling which form it is a copy of. */
export interface Linkable extends FormFields {
  blockIndex: number;
}

/** The form each evaluation is a copy of, and whether the dataset held that form before. */
export interface Linked {
  formId: number;
  /** The form was there already (this evaluation is another copy of it: reconcile it). */
  existing: boolean;
}

/** A series' department and unit: where a code is looked for. */
const placeOf = (series: string) => series.slice(0, series.lastIndexOf('|name:'));

/** Forms looked up or written at most this many a statement. */
const CHUNK = 100;

/**
 * The forms a document's evaluations (in block order) are copies of, those not seen before
 * created — a few statements for the whole document. A renamed project is the same series where
 * its code is.
 */
export function* formsOf(evaluations: readonly Linkable[], own: string): Steps<Linked[]> {
  const seen = new Map<string, number>();
  const ids = evaluations.map((e) => {
    const first = formIdentity(e, 1, `${own}:${e.blockIndex}`);
    const ordinal = (seen.get(first.identity) ?? 0) + 1;
    seen.set(first.identity, ordinal);
    const id = ordinal === 1 ? first : formIdentity(e, ordinal, `${own}:${e.blockIndex}`);
    return { ...id, e };
  });
  const known = new Map<string, number>();
  for (let k = 0; k < ids.length; k += CHUNK) {
    const chunk = ids.slice(k, k + CHUNK);
    for (const r of yield* rows<{ id: number; identity: string }>(`SELECT id, identity FROM forms WHERE identity IN (${chunk.map(() => '?').join(', ')})`, ...chunk.map((i) => i.identity))) {
      known.set(r.identity, Number(r.id));
    }
  }
  const fresh = ids.filter((i) => !known.has(i.identity));
  // A project whose name changed is the same series where its code is the same.
  const coded = [...new Set(fresh.map((i) => i.code).filter((c): c is string => c !== null))];
  const byCode = new Map<string, string>();
  for (let k = 0; k < coded.length; k += CHUNK) {
    const chunk = coded.slice(k, k + CHUNK);
    for (const r of yield* rows<{ code: string; series: string }>(`SELECT code, series FROM forms WHERE code IN (${chunk.map(() => '?').join(', ')}) ORDER BY id`, ...chunk)) {
      const key = `${placeOf(r.series)}|${r.code}`;
      if (!byCode.has(key)) byCode.set(key, r.series);
    }
  }
  const created = new Set<string>();
  for (let k = 0; k < fresh.length; k += CHUNK) {
    const chunk = fresh.slice(k, k + CHUNK);
    const values = chunk.flatMap((i) => [i.identity, (i.code !== null ? byCode.get(`${placeOf(i.series)}|${i.code}`) : undefined) ?? i.series, i.code, i.e.year]);
    // A writer on another machine may have just created one of them: that one is found after.
    for (const r of yield* rows<{ id: number; identity: string }>(`INSERT INTO forms (identity, series, code, year, copies)
        VALUES ${chunk.map(() => '(?, ?, ?, ?, 1)').join(', ')} ON CONFLICT (identity) DO NOTHING RETURNING id, identity`, ...values)) {
      known.set(r.identity, Number(r.id));
      created.add(r.identity);
    }
  }
  const raced = fresh.filter((i) => !known.has(i.identity));
  for (let k = 0; k < raced.length; k += CHUNK) {
    const chunk = raced.slice(k, k + CHUNK);
    for (const r of yield* rows<{ id: number; identity: string }>(`SELECT id, identity FROM forms WHERE identity IN (${chunk.map(() => '?').join(', ')})`, ...chunk.map((i) => i.identity))) {
      known.set(r.identity, Number(r.id));
    }
  }
  return ids.map((i) => ({ formId: known.get(i.identity)!, existing: !created.has(i.identity) }));
}

interface CopyRow {
  id: number; block_index: number; confidence: Confidence; current: number; sha256: string | null; source: string; format: string | null;
  page_start: number | null; page_end: number | null; line_start: number; line_end: number;
  project_amount_yuan: number | null; total_weight: number | null; total_score: number | null;
  ocr: number; problems: number; repairs: number;
}

const span = (a: number | null, b: number | null, what: string) => (a === null ? '' : a === b || b === null ? `${what} ${a}` : `${what}s ${a}–${b}`);

/** Where a copy was read, for messages: its file, format and pages (or lines). */
function whereOf(c: CopyRow): string {
  const at = c.page_start !== null ? span(c.page_start, c.page_end, 'page') : span(c.line_start, c.line_end, 'line');
  return `${c.source} (${c.format ?? '?'}, ${at})`;
}

/** Every figure of each copy by name, read back from its rows. */
function* figuresOf(formId: number, copies: readonly CopyRow[]): Steps<Map<number, Map<string, number | null>>> {
  const figures = new Map(copies.map((c) => [c.id, new Map<string, number | null>([
    ['项目金额', c.project_amount_yuan], ['总分 分值', c.total_weight], ['总分 得分', c.total_score],
  ])]));
  const funding = yield* rows<{ evaluation_id: number; line: FundingLineCode; initial_yuan: number | null; full_year_yuan: number | null; executed_yuan: number | null; weight: number | null; rate: number | null; score: number | null }>(
    `SELECT evaluation_id, line, initial_yuan, full_year_yuan, executed_yuan, weight, rate, score FROM funding
     WHERE evaluation_id IN (SELECT id FROM evaluations WHERE form_id = ?) ORDER BY evaluation_id, line`, formId);
  for (const f of funding) {
    const m = figures.get(f.evaluation_id)!;
    const line = FUNDING_LINE_NAMES[f.line];
    for (const [name, value] of [['年初预算数', f.initial_yuan], ['全年预算数', f.full_year_yuan], ['全年执行数', f.executed_yuan], ['分值', f.weight], ['执行率', f.rate], ['得分', f.score]] as const) {
      m.set(`${line} ${name}`, value);
    }
  }
  const indicators = yield* rows<{ evaluation_id: number; seq: number; name: string | null; weight: number | null; score: number | null; target_value: number | null; actual_value: number | null }>(
    `SELECT evaluation_id, seq, name, weight, score, target_value, actual_value FROM indicators
     WHERE evaluation_id IN (SELECT id FROM evaluations WHERE form_id = ?) ORDER BY evaluation_id, seq`, formId);
  for (const c of copies) figures.get(c.id)!.set('指标数', indicators.filter((i) => i.evaluation_id === c.id).length);
  for (const i of indicators) {
    const m = figures.get(i.evaluation_id)!;
    const name = `indicator ${i.seq}`;
    m.set(`${name} 分值`, i.weight);
    m.set(`${name} 得分`, i.score);
    m.set(`${name} 年度指标值`, i.target_value);
    m.set(`${name} 实际完成值`, i.actual_value);
  }
  return figures;
}

/** A form after its copies changed: which copy is counted, whether they disagree, how many there are; a form left without copies goes. */
export function* reconcileForm(formId: number): Steps<void> {
  // Writers on other machines reconciling the same form take turns (SQLite has one writer).
  yield* lockFor('SELECT id FROM forms WHERE id = ? FOR UPDATE', formId);
  const copies = yield* rows<CopyRow>(`SELECT e.id, e.block_index, e.confidence, d.current, d.sha256, d.source, d.format, e.page_start, e.page_end,
      e.line_start, e.line_end, e.project_amount_yuan, e.total_weight, e.total_score,
      (SELECT count(*) FROM flags f WHERE f.evaluation_id = e.id AND f.code = 'ocr') AS ocr,
      (SELECT count(*) FROM flags f WHERE f.evaluation_id = e.id AND f.severity <> 'info' AND f.code <> 'copies_disagree') AS problems,
      (SELECT count(*) FROM flags f WHERE f.evaluation_id = e.id AND f.severity = 'info') AS repairs
    FROM evaluations e JOIN documents d ON d.id = e.document_id WHERE e.form_id = ? ORDER BY e.id`, formId);
  if (copies.length === 0) {
    yield* run('DELETE FROM forms WHERE id = ?', formId);
    return;
  }
  const figures = copies.length > 1 ? yield* figuresOf(formId, copies) : new Map<number, Map<string, number | null>>();
  const asCopy = (c: CopyRow): Copy => ({
    evaluationId: c.id, current: c.current === 1, ocr: Number(c.ocr) > 0, confidence: c.confidence, problems: Number(c.problems), repairs: Number(c.repairs),
    sha256: c.sha256 ?? '', blockIndex: c.block_index, where: whereOf(c), figures: figures.get(c.id) ?? new Map(),
  });
  const all = copies.map(asCopy);
  const chosen = counted(all);
  const found = disagreements(all, chosen);
  const message = found.length === 0 ? null : disagreementMessage(found, all.filter((c) => c.current).length, chosen);
  yield* run('UPDATE evaluations SET counted = CASE WHEN id = ? THEN 1 ELSE 0 END WHERE form_id = ?', chosen.evaluationId, formId);
  yield* run(`DELETE FROM flags WHERE code = 'copies_disagree' AND evaluation_id IN (SELECT id FROM evaluations WHERE form_id = ?)`, formId);
  if (message !== null) yield* run(`INSERT INTO flags (evaluation_id, indicator_seq, code, severity, message) VALUES (?, NULL, 'copies_disagree', 'warn', ?)`, chosen.evaluationId, message);
  // Confidence is what the flags say, the copies' own included (or no longer).
  yield* run(`UPDATE evaluations SET confidence = CASE
      WHEN EXISTS (SELECT 1 FROM flags f WHERE f.evaluation_id = evaluations.id AND f.severity = 'error') THEN 'low'
      WHEN EXISTS (SELECT 1 FROM flags f WHERE f.evaluation_id = evaluations.id AND f.severity = 'warn') THEN 'medium' ELSE 'high' END
    WHERE form_id = ?`, formId);
  yield* run('UPDATE forms SET copies = ?, disagreement = ? WHERE id = ?', copies.length, message, formId);
}
