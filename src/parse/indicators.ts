import { INDICATOR_COLUMN_NAMES, indicatorColumn, isIndicatorHeader, type IndicatorColumn } from '../form/columns.js';
import { parseLevelLabel, type LevelLabel } from '../form/levels.js';
import { rememberedByText } from '../form/memo.js';
import { COMPARATOR, compact, FILLER, INDICATOR_SECTION, isDash, SCORE_NUMBER, SUB_ROW, TRAILER } from '../form/vocabulary.js';
import { flag, type Flag } from '../model/flag.js';
import type { ParsedIndicator } from '../model/parsed.js';
import type { Row } from '../model/table.js';
import { columnAt, emptyRanges, measureFor, placed, setRange, type Ranges } from './grid.js';
import { quote, textValue } from './text.js';

type Role = IndicatorColumn;

/** The Shenzhen column order; the shifted-cell repair below assumes it. */
const STANDARD: readonly Role[] = ['level1', 'level2', 'name', 'target', 'actual', 'weight', 'score', 'deviation'];

/** A header row of the indicator table (see isIndicatorHeader). */
export function isIndicatorHeaderRow(row: Row): boolean {
  return isIndicatorHeader(row.cells);
}

/** Whether an indicator header row has a 分值 column (some issuers print none). */
export function hasWeightColumn(row: Row): boolean {
  return row.cells.some((c) => indicatorColumn(c) === 'weight');
}

const isSection = rememberedByText((cell: string) => INDICATOR_SECTION.test(compact(cell)));

/** Where the weight/score pair sits: the rightmost two adjacent numbers, else two adjacent placeholders. */
function findAnchor(cells: readonly string[]): number {
  for (const scoreLike of [(c: string) => SCORE_NUMBER.test(c), (c: string) => SCORE_NUMBER.test(c) || isDash(c)]) {
    for (let j = cells.length - 2; j >= 0; j--) {
      if (scoreLike(cells[j]!) && scoreLike(cells[j + 1]!)) return j;
    }
  }
  return -1;
}

interface LevelState {
  level1: string | null;
  level1Points: string | null;
  level2: string | null;
}

interface Placement {
  values: Partial<Record<Role, string>>;
  /** Original column of every value placed, in the order placed, to tell whether it moved. */
  from: Array<{ role: Role; col: number }>;
  levels: Array<{ label: LevelLabel; col: number }>;
  /** The level labels applied (see applyLevels). */
  applied: Array<{ role: Role; col: number; text: string }>;
  problems: Flag[];
}

/** `text`, from column `col`, is the row's `role`. */
function put(placement: Placement, role: Role, text: string, col: number): void {
  placement.values[role] = text;
  placement.from.push({ role, col });
}

/**
 * Put a row's values back in their true columns using what they are, not where they stand:
 * the weight/score pair is the anchor, text after it is the deviation reason, known level labels
 * are levels wherever they landed, and the remaining texts before the anchor are 三级指标 /
 * 年度指标值 / 实际完成值 — in order when all three are there, by distance from the anchor when
 * some are missing.
 */
function placeByValue(row: Row, cells: readonly string[], state: LevelState): Placement {
  const placement: Placement = { values: {}, from: [], levels: [], applied: [], problems: [] };
  const anchor = findAnchor(cells);
  const left = anchor >= 0 ? anchor : cells.length;
  if (anchor >= 0) {
    put(placement, 'weight', cells[anchor]!, anchor);
    put(placement, 'score', cells[anchor + 1]!, anchor + 1);
    const rest: string[] = [];
    let restAt = -1;
    for (let i = anchor + 2; i < cells.length; i++) {
      if (cells[i] === '') continue;
      if (restAt < 0) restAt = i;
      rest.push(cells[i]!);
    }
    if (rest.length > 0) put(placement, 'deviation', rest.join(' '), restAt);
  }
  let texts: Array<{ c: string; i: number }> = [];
  for (let i = 0; i < left; i++) {
    const c = cells[i]!;
    if (c === '') continue;
    const label = texts.length === 0 ? parseLevelLabel(c) : null;
    if (label !== null) placement.levels.push({ label, col: i });
    else texts.push({ c, i });
  }
  const { applied, notLabels } = applyLevels(placement.levels, state);
  placement.applied = applied;
  texts = [...notLabels.map((l) => ({ c: cells[l.col]!, i: l.col })), ...texts];
  if (texts.length > 3) {
    const merged = texts.filter((t, k) => k === 0 || t.c !== texts[k - 1]!.c);
    if (merged.length < texts.length) {
      placement.problems.push(flag('duplicate_cell_merged', 'info',
        `line ${row.line}: a cell printed twice (${quote(texts.find((t, k) => k > 0 && t.c === texts[k - 1]!.c)!.c)}) was read once`));
      texts = merged;
    }
  }
  const slots: Role[] = ['name', 'target', 'actual'];
  if (texts.length > 3) {
    placement.problems.push(flag('row_unplaced', 'warn',
      `line ${row.line}: ${texts.length} texts for 三级指标/年度指标值/实际完成值; the leading ones were joined into the name`));
    const head = texts.slice(0, texts.length - 2);
    texts = [{ c: head.map((t) => t.c).join(' '), i: head[0]!.i }, ...texts.slice(-2)];
  }
  if (texts.length === 3 || anchor < 0) {
    texts.forEach((t, k) => put(placement, slots[k]!, t.c, t.i));
    // "其中：…" under a ★ core indicator is a part of it, printed without points of its own.
    if (anchor < 0 && texts.length > 0 && !SUB_ROW.test(texts[0]!.c)) {
      placement.problems.push(flag('row_unplaced', 'warn',
        `line ${row.line}: no 分值/得分 found in the row; its texts were read as 三级指标, 年度指标值, 实际完成值 in order`));
    }
    return placement;
  }
  // Fewer than three texts: the column counted back from the anchor tells which ones are missing.
  const byDistance = texts.map((t) => slots[Math.max(0, 3 - (anchor - t.i))]!);
  const collide = new Set(byDistance).size < byDistance.length;
  texts.forEach((t, k) => put(placement, collide ? slots[k]! : byDistance[k]!, t.c, t.i));
  return placement;
}

const isLong = (label: LevelLabel) => label.base.endsWith('指标');

/** A 一级指标 comes into force; the same label again (repeated atop a continuation page) keeps the 二级指标 in force. */
function setLevel1(state: LevelState, label: LevelLabel): void {
  const base = label.base === '' ? null : label.base;
  if (base !== state.level1 || label.points !== state.level1Points) state.level2 = null;
  state.level1 = base;
  state.level1Points = label.points;
}

/**
 * Resolve the labels a row carries against the levels in force (merged cells carry down).
 * Two labels are 一级 then 二级 — except a bare 满意度指标/成本指标 under a 一级 already in force
 * followed by a label of the other style ("满意度指标 | 服务对象满意度"): that is a 二级 label that
 * slid left and the indicator's own name. Returns the labels that were texts after all.
 */
function applyLevels(levels: Placement['levels'], state: LevelState): {
  applied: Array<{ role: Role; col: number; text: string }>;
  notLabels: Placement['levels'];
} {
  const applied: Array<{ role: Role; col: number; text: string }> = [];
  let use = levels.slice(0, 2);
  let notLabels = levels.slice(2);
  const [first, second] = use;
  if (first && second && first.label.kind === 'either' && state.level1 !== null && isLong(first.label) !== isLong(second.label)) {
    use = [first];
    notLabels = levels.slice(1);
  }
  use.forEach(({ label, col }, k) => {
    const asLevel1 = use.length >= 2 ? k === 0 : label.kind === 'level1' || (label.kind === 'either' && state.level1 === null);
    if (asLevel1) {
      setLevel1(state, label);
      applied.push({ role: 'level1', col, text: label.base });
    } else {
      state.level2 = label.base;
      applied.push({ role: 'level2', col, text: label.base });
    }
  });
  return { applied, notLabels };
}

/**
 * The columns the header names, where each stands (grid column, x, cell index). A target printed
 * as 指标性质 | 指标值 | 度量单位 on a second header row under a merged 年度指标值 takes that row's
 * three columns. A header cell no class fits is flagged.
 */
function readColumns(header: Row, next: Row | undefined, flags: Flag[]): Ranges<Role> {
  const ranges = emptyRanges<Role>();
  const sub = (next?.cells ?? []).map(indicatorColumn);
  const split = sub.some((role) => role === 'targetNature' || role === 'targetUnit');
  header.cells.forEach((text, i) => {
    const role = indicatorColumn(text);
    if (role === null) {
      if (text !== '' && !isSection(text)) flags.push(flag('unknown_column', 'info', `line ${header.line}: indicator header ${quote(text)} is no column zipin knows; its cells were not read`));
    } else if (!(split && role === 'target')) {
      setRange(ranges, role, header, i);
    }
  });
  if (split) {
    // A text export prints a merged 年度指标值 as one cell, with no empty cells standing for the
    // other two: header cells after it move right, to where the sub-header's columns end.
    const targetAt = header.cells.findIndex((c) => indicatorColumn(c) === 'target');
    const lastSub = Math.max(...sub.map((role, i) => (role === null ? -1 : i)));
    const after = [...ranges.index.values()].map(([from]) => from).filter((from) => from > targetAt);
    const shift = after.length > 0 ? Math.max(0, lastSub + 1 - Math.min(...after)) : 0;
    for (const [role, [from, to]] of ranges.index) if (from > targetAt) ranges.index.set(role, [from + shift, to + shift]);
    sub.forEach((role, i) => {
      if (role === null) return;
      for (const measure of ['grid', 'x', 'index'] as const) ranges[measure].delete(role);
      setRange(ranges, role, next!, i);
    });
  }
  return ranges;
}

export interface IndicatorSection {
  indicators: ParsedIndicator[];
  flags: Flag[];
}

/**
 * Every indicator row between the 年度绩效指标 header and 总分. With the Shenzhen column order,
 * shifted cells are put back by value (and flagged); any other order is read by the header's columns.
 */
export function parseIndicators(rows: readonly Row[], headerAt: number, isEnd: (row: Row) => boolean): IndicatorSection {
  const flags: Flag[] = [];
  const indicators: ParsedIndicator[] = [];
  if (headerAt < 0) return { indicators, flags };
  const headerRow = rows[headerAt]!;
  const ranges = readColumns(headerRow, rows[headerAt + 1], flags);
  // 指标性质 | 指标值 | 度量单位 on a row of their own under the header.
  const subHeader = (rows[headerAt + 1]?.cells ?? []).some((c) => ['targetNature', 'targetUnit'].includes(indicatorColumn(c) ?? ''));
  const order = [...ranges.index.entries()].filter(([r]) => r !== 'method').sort((a, b) => a[1][0] - b[1][0]).map(([r]) => r);
  const standard = order.length === STANDARD.length && order.every((r, i) => r === STANDARD[i]);
  const state: LevelState = { level1: null, level1Points: null, level2: null };

  for (const row of rows.slice(headerAt + (subHeader ? 2 : 1))) {
    if (isEnd(row) || TRAILER.test(compact(row.cells.find((c) => c !== '') ?? ''))) break;
    // Under a table's own header, text outside the table (page furniture between its parts) is no row of it.
    if (headerRow.positions === 'exact' && row.positions !== 'exact') continue;
    const cells = row.cells.map((c) => (isSection(c) ? '' : c));
    let values: Partial<Record<Role, string>>;
    // A table's own cells are where the header says; cells of a text export may have slid, and
    // with the Shenzhen order they are put back by value.
    const measure = measureFor(headerRow, row);
    const exact = measure !== 'index';
    if (exact) {
      values = {};
      placed(row, measure).forEach((c, i) => {
        const text = cells[i]!;
        const role = text === '' || c.continued ? null : columnAt(ranges, measure, c.from, c.to);
        if (role !== null && role !== 'method') values[role] = values[role] === undefined ? text : `${values[role]} ${text}`;
      });
    } else if (standard) {
      const placement = placeByValue(row, cells, state);
      flags.push(...placement.problems);
      values = placement.values;
      const moved = [...placement.applied, ...placement.from.map(({ role, col }) => ({ role, col, text: values[role]! }))]
        .filter((m) => { const at = ranges.index.get(m.role); return at !== undefined && at[0] !== m.col; });
      if (moved.length > 0) {
        flags.push(flag('column_shift', 'info', `line ${row.line}: shifted cells put back in their columns (${moved
          .map((m) => `${quote(m.text, 10)} → ${INDICATOR_COLUMN_NAMES[m.role]}`).join(', ')})`));
      }
    } else {
      values = {};
      for (const [role, [col]] of ranges.index) {
        const text = cells[col] ?? '';
        if (text !== '' && role !== 'method') values[role] = text;
      }
    }
    if (!standard || exact) {
      if (values.targetNature !== undefined || values.targetUnit !== undefined) {
        // ≧ | 735 | 人次 → "≧735人次", read by the normaliser like any printed target. A nature that is
        // no comparator (定性, 定量) says what kind of indicator it is, not what to reach.
        const nature = values.targetNature !== undefined && COMPARATOR.test(values.targetNature.trim()) ? values.targetNature : undefined;
        const target = [nature, values.target, values.targetUnit].filter((v) => v !== undefined && textValue(v) !== null).join('');
        if (target !== '') values.target = target;
        else delete values.target;
      }
      // Read where the header says, a level cell is the level of its column, under whatever name
      // the form prints (满意度指标 as 一级, 服务对象满意度指标等 as 二级): classes come from the names later.
      if (values.level1 !== undefined) setLevel1(state, parseLevelLabel(values.level1) ?? { base: values.level1.trim(), points: null, kind: 'level1' });
      if (values.level2 !== undefined) state.level2 = parseLevelLabel(values.level2)?.base ?? values.level2.trim();
    }
    const kept = ['name', 'target', 'actual', 'weight', 'score', 'deviation'] as const;
    if (kept.every((role) => values[role] === undefined)) continue; // a row that only carries level labels
    const valued = ['target', 'actual', 'weight', 'score', 'deviation'] as const;
    if (values.name !== undefined && FILLER.test(values.name) && valued.every((role) => textValue(values[role]) === null)) continue;
    indicators.push({
      line: row.line,
      page: row.page,
      level1: state.level1,
      level1Points: state.level1Points,
      level2: state.level2,
      name: textValue(values.name),
      target: textValue(values.target),
      actual: textValue(values.actual),
      unit: textValue(values.targetUnit),
      weight: values.weight ?? null,
      score: values.score ?? null,
      deviation: textValue(values.deviation),
    });
  }
  return { indicators, flags };
}
