import { copyRank, counted, disagreementMessage, disagreements, figuresFingerprint, figuresOf } from '../forms/copies.js';
import { formIdentity, identityParts, normalisedName, type FormFields } from '../forms/identity.js';
import type { Severity } from '../model/flag.js';
import type { FundingLineCode } from '../model/parsed.js';
import { lockFor, row, rows, run, type Steps } from './sql.js';

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
    const values = chunk.flatMap((i) => [i.identity, (i.code !== null ? byCode.get(`${placeOf(i.series)}|${i.code}`) : undefined) ?? i.series, i.code, i.e.year, i.kin]);
    // A writer on another machine may have just created one of them: that one is found after.
    for (const r of yield* rows<{ id: number; identity: string }>(`INSERT INTO forms (identity, series, code, year, copies, kin)
        VALUES ${chunk.map(() => '(?, ?, ?, ?, 1, ?)').join(', ')} ON CONFLICT (identity) DO NOTHING RETURNING id, identity`, ...values)) {
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

/** Forms written before they kept their kin (schema 7 and before) given it, from their identity. */
export function* fillKin(): Steps<void> {
  for (const f of yield* rows<{ id: number; identity: string }>('SELECT id, identity FROM forms WHERE kin IS NULL')) {
    yield* run('UPDATE forms SET kin = ? WHERE id = ?', identityParts(f.identity).kin, Number(f.id));
  }
}

/** The kins of these forms that hold more than one form: where a copy that lacks its year or unit may belong elsewhere now. */
export function* kinsToSettle(formIds: readonly number[]): Steps<string[]> {
  const out = new Set<string>();
  for (let k = 0; k < formIds.length; k += CHUNK) {
    const chunk = formIds.slice(k, k + CHUNK);
    for (const r of yield* rows<{ kin: string }>(`SELECT DISTINCT f.kin FROM forms f WHERE f.id IN (${marks(chunk.length)})
        AND (SELECT count(*) FROM forms g WHERE g.kin = f.kin) > 1`, ...chunk)) out.add(r.kin);
  }
  return [...out].sort();
}

/** A copy's identity as its own fields make it (`ordinal`: its k-th such form in its document). */
interface PartialCopy {
  id: number; form_id: number; identity: string; year: number | null; supervising_dept: string | null; budget_unit: string | null;
  implementing_unit: string | null; project_code: string | null; project_name: string | null; block_index: number; document_id: number;
}

/**
 * A kin's copies that lack their year or their implementing unit (they print none, and nothing
 * else gave one), put where they belong whatever the order their files were read in: with the one
 * form of their project that has more of what they lack and agrees on what they have — the same
 * department and project, and the year or unit where they print one — when there is exactly one;
 * else in the form their own fields make, with a `form_ambiguous` flag naming the forms they could
 * be when there are several. Returns the forms whose copies changed, to reconcile.
 */
export function* settlePartial(kin: string): Steps<number[]> {
  yield* lockFor('SELECT pg_advisory_xact_lock(hashtextextended(?, 1))', kin);
  const forms = (yield* rows<{ id: number; identity: string }>('SELECT id, identity FROM forms WHERE kin = ? ORDER BY id', kin))
    .map((f) => ({ id: Number(f.id), ...identityParts(f.identity) }));
  const copies = (yield* rows<PartialCopy>(`SELECT e.id, e.form_id, f.identity, e.year, e.supervising_dept, e.budget_unit, e.implementing_unit,
      e.project_code, e.project_name, e.block_index, e.document_id FROM evaluations e JOIN forms f ON f.id = e.form_id WHERE f.kin = ?`, kin))
    .filter((e) => e.year === null || normalisedName(e.implementing_unit) === '');
  if (copies.length === 0) return [];
  const touched = new Set<number>();
  const ids = copies.map((e) => Number(e.id));
  yield* run(`DELETE FROM flags WHERE code = 'form_ambiguous' AND evaluation_id IN (${marks(ids.length)})`, ...ids);
  for (const e of copies) {
    const year = e.year === null ? '' : String(e.year);
    const unit = normalisedName(e.implementing_unit);
    // Forms that agree on what it has and have more of what it lacks — the fullest of them (one
    // that lacks a field another has is settled into that one too).
    const fuller = forms.filter((f) => agrees(f, year, unit) && known(f) > known({ year, unit }));
    const candidates = fuller.filter((f) => !fuller.some((g) => g !== f && agrees(g, f.year, f.unit) && known(g) > known(f)));
    let target: number;
    if (candidates.length === 1) {
      target = candidates[0]!.id;
    } else {
      const own = formIdentity({ year: e.year, supervisingDept: e.supervising_dept, budgetUnit: e.budget_unit, implementingUnit: e.implementing_unit,
        projectCode: e.project_code, projectName: e.project_name }, ordinalOf(e.identity), `${e.document_id}:${e.block_index}`);
      const { identity } = own;
      yield* run('INSERT INTO forms (identity, series, code, year, copies, kin) VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT (identity) DO NOTHING',
        identity, own.series, own.code, e.year, own.kin);
      target = Number((yield* row<{ id: number }>('SELECT id FROM forms WHERE identity = ?', identity))!.id);
      if (candidates.length > 1) {
        // Named in their own order, not the order they were read in.
        const named = candidates.map((c) => [c.year || 'no year', c.unit || 'no unit'].join(', ')).sort().join('; ');
        yield* run(`INSERT INTO flags (evaluation_id, indicator_seq, code, severity, message) VALUES (?, NULL, 'form_ambiguous', 'info', ?)`, Number(e.id),
          `the form lacks its ${[year === '' ? 'year' : '', unit === '' ? 'implementing unit' : ''].filter(Boolean).join(' and ')}, and ${candidates.length} forms of its project have it (${named}): counted apart`);
      }
    }
    if (target !== Number(e.form_id)) {
      touched.add(Number(e.form_id)).add(target);
      yield* run('UPDATE evaluations SET form_id = ?, counted = 0 WHERE id = ?', target, Number(e.id));
    }
  }
  return [...touched].sort((a, b) => a - b);
}

/** A form agrees with a copy's year and unit where the copy has them ('' where it has none). */
const agrees = (f: { year: string; unit: string }, year: string, unit: string) => (year === '' || f.year === year) && (unit === '' || f.unit === unit);
/** How many of the year and the unit it has. */
const known = (f: { year: string; unit: string }) => Number(f.year !== '') + Number(f.unit !== '');

/** The k-th form of one document with the same key (`#k` at the end of its identity), from 1. */
const ordinalOf = (identity: string) => Number(/#(\d+)$/.exec(identity)?.[1] ?? 1);

/** Where a copy was read, as its rows say. */
interface WhereRow {
  id: number; source: string; format: string | null; page_start: number | null; page_end: number | null; line_start: number; line_end: number;
}

const span = (a: number | null, b: number | null, what: string) => (a === null ? '' : a === b || b === null ? `${what} ${a}` : `${what}s ${a}–${b}`);

/** Where a copy was read, for messages: its file, format and pages (or lines). */
function whereOf(c: WhereRow): string {
  const at = c.page_start !== null ? span(c.page_start, c.page_end, 'page') : span(c.line_start, c.line_end, 'line');
  return `${c.source} (${c.format ?? '?'}, ${at})`;
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const num = (v: number | string | null) => (v === null ? null : Number(v));

/** Every figure of each of these evaluations, read back from their rows. */
function* storedFigures(ids: readonly number[]): Steps<Map<number, Map<string, number | null>>> {
  type Num = number | string | null;
  const heads = yield* rows<{ id: number; project_amount_yuan: Num; total_weight: Num; total_score: Num }>(
    `SELECT id, project_amount_yuan, total_weight, total_score FROM evaluations WHERE id IN (${marks(ids.length)})`, ...ids);
  const funding = yield* rows<{ evaluation_id: number; line: FundingLineCode; initial_yuan: Num; full_year_yuan: Num; executed_yuan: Num; weight: Num; rate: Num; score: Num }>(
    `SELECT evaluation_id, line, initial_yuan, full_year_yuan, executed_yuan, weight, rate, score FROM funding WHERE evaluation_id IN (${marks(ids.length)})`, ...ids);
  const indicators = yield* rows<{ evaluation_id: number; seq: number; weight: Num; score: Num; target_value: Num; actual_value: Num }>(
    `SELECT evaluation_id, seq, weight, score, target_value, actual_value FROM indicators WHERE evaluation_id IN (${marks(ids.length)})`, ...ids);
  return new Map(heads.map((h) => [Number(h.id), figuresOf({
    projectAmountYuan: num(h.project_amount_yuan), totalWeight: num(h.total_weight), totalScore: num(h.total_score),
    funding: funding.filter((f) => Number(f.evaluation_id) === Number(h.id)).map((f) => ({
      line: f.line, initialYuan: num(f.initial_yuan), fullYearYuan: num(f.full_year_yuan), executedYuan: num(f.executed_yuan),
      weight: num(f.weight), rate: num(f.rate), score: num(f.score),
    })),
    indicators: indicators.filter((i) => Number(i.evaluation_id) === Number(h.id)).map((i) => ({
      seq: Number(i.seq), weight: num(i.weight), score: num(i.score), targetValue: num(i.target_value), actualValue: num(i.actual_value),
    })),
  })]));
}

/** Ranks and fingerprints for a form's copies written before zipin kept them (schema 7 and before), from their rows. */
function* rankUnranked(formId: number): Steps<void> {
  const unranked = yield* rows<{ id: number; block_index: number; sha256: string | null }>(`SELECT e.id, e.block_index, d.sha256 FROM evaluations e
    JOIN documents d ON d.id = e.document_id WHERE e.form_id = ? AND (e.copy_rank IS NULL OR e.figures_sha256 IS NULL)`, formId);
  const ids = unranked.map((e) => Number(e.id));
  const flags = yield* rows<{ evaluation_id: number; code: string; severity: Severity }>(
    `SELECT evaluation_id, code, severity FROM flags WHERE evaluation_id IN (${marks(ids.length)})`, ...ids);
  const figures = yield* storedFigures(ids);
  for (const e of unranked) {
    const id = Number(e.id);
    yield* run('UPDATE evaluations SET copy_rank = ?, figures_sha256 = ? WHERE id = ?',
      copyRank(flags.filter((f) => Number(f.evaluation_id) === id), e.sha256, Number(e.block_index)), figuresFingerprint(figures.get(id)!), id);
  }
}

/** A form's copies grouped by whether their document still serves them and by their figures: the best rank and the count of each. */
interface Group {
  current: number;
  fingerprint: string | null;
  copies: number;
  best: string | null;
  unranked: number;
}

function* groupsOf(formId: number): Steps<Group[]> {
  return (yield* rows<Group>(`SELECT d.current, e.figures_sha256 AS fingerprint, count(*) AS copies, min(e.copy_rank) AS best,
      sum(CASE WHEN e.copy_rank IS NULL OR e.figures_sha256 IS NULL THEN 1 ELSE 0 END) AS unranked
    FROM evaluations e JOIN documents d ON d.id = e.document_id WHERE e.form_id = ? GROUP BY d.current, e.figures_sha256`, formId))
    .map((g) => ({ ...g, current: Number(g.current), copies: Number(g.copies), unranked: Number(g.unranked) }));
}

const sum = (groups: readonly Group[]) => groups.reduce((n, g) => n + g.copies, 0);

/**
 * A form after its copies changed: which copy is counted, whether they disagree, how many there
 * are; a form left without copies goes. The copies are read as groups of equal figures, and only
 * the best copy of each group is read in full (to say where they differ): its cost grows with
 * the number of different versions of the form, not with the number of copies.
 */
export function* reconcileForm(formId: number): Steps<void> {
  // Writers on other machines reconciling the same form take turns (SQLite has one writer).
  yield* lockFor('SELECT id FROM forms WHERE id = ? FOR UPDATE', formId);
  let groups = yield* groupsOf(formId);
  if (groups.some((g) => g.unranked > 0)) {
    yield* rankUnranked(formId);
    groups = yield* groupsOf(formId);
  }
  if (groups.length === 0) {
    yield* run('DELETE FROM forms WHERE id = ?', formId);
    return;
  }
  const chosen = counted(groups.map((g) => ({ current: g.current === 1, rank: g.best!, group: g }))).group;
  // Only current copies can disagree: a crawled file's older version is kept, not compared.
  const variants = chosen.current === 1 ? [chosen, ...groups.filter((g) => g.current === 1 && g !== chosen).sort((a, b) => (a.best! < b.best! ? -1 : 1))] : [chosen];
  const read = yield* rows<WhereRow & { copy_rank: string; counted: number }>(`SELECT e.id, e.copy_rank, e.counted, d.source, d.format,
      e.page_start, e.page_end, e.line_start, e.line_end FROM evaluations e JOIN documents d ON d.id = e.document_id
    WHERE e.form_id = ? AND (e.counted = 1 OR e.copy_rank IN (${marks(variants.length)}))`, formId, ...variants.map((v) => v.best));
  const best = new Map(read.map((r) => [r.copy_rank, { ...r, id: Number(r.id) }]));
  const countedId = best.get(chosen.best!)!.id;
  let message: string | null = null;
  if (variants.length > 1) {
    const figures = yield* storedFigures(variants.map((v) => best.get(v.best!)!.id));
    const found = disagreements(variants.map((v) => {
      const copy = best.get(v.best!)!;
      return { figures: figures.get(copy.id)!, where: whereOf(copy), copies: v.copies };
    }));
    if (found.length > 0) message = disagreementMessage(found, sum(variants), whereOf(best.get(chosen.best!)!));
  }
  const before = (yield* row<{ copies: number; disagreement: string | null }>('SELECT copies, disagreement FROM forms WHERE id = ?', formId))!;
  const was = read.filter((r) => Number(r.counted) === 1).map((r) => Number(r.id));
  const moved = was.length !== 1 || was[0] !== countedId;
  if (moved || message !== before.disagreement) {
    const touched = [...new Set([...was, countedId])];
    if (moved) yield* run(`UPDATE evaluations SET counted = CASE WHEN id = ? THEN 1 ELSE 0 END WHERE id IN (${marks(touched.length)})`, countedId, ...touched);
    yield* run(`DELETE FROM flags WHERE code = 'copies_disagree' AND evaluation_id IN (${marks(touched.length)})`, ...touched);
    if (message !== null) yield* run(`INSERT INTO flags (evaluation_id, indicator_seq, code, severity, message) VALUES (?, NULL, 'copies_disagree', 'warn', ?)`, countedId, message);
    // Confidence is what the flags say, the copies' own included (or no longer).
    yield* run(`UPDATE evaluations SET confidence = CASE
        WHEN EXISTS (SELECT 1 FROM flags f WHERE f.evaluation_id = evaluations.id AND f.severity = 'error') THEN 'low'
        WHEN EXISTS (SELECT 1 FROM flags f WHERE f.evaluation_id = evaluations.id AND f.severity = 'warn') THEN 'medium' ELSE 'high' END
      WHERE id IN (${marks(touched.length)})`, ...touched);
  }
  if (Number(before.copies) !== sum(groups) || message !== before.disagreement) {
    yield* run('UPDATE forms SET copies = ?, disagreement = ? WHERE id = ?', sum(groups), message, formId);
  }
}
