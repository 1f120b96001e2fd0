import type { Box, Rule } from './geometry.js';
import { TABLE_SETTINGS as S } from './settings.js';


/** A merged cell: the grid rows r0..r1 and columns c0..c1 it covers (inclusive). */
export interface Region {
  r0: number;
  c0: number;
  r1: number;
  c1: number;
}

/** A table rebuilt from its ruling lines: grid lines, and the cells with their real spans. */
export interface Table extends Box {
  xs: number[];
  ys: number[];
  regions: Region[];
  /** regionAt[r][c]: index into regions. */
  regionAt: number[][];
  /** Whether the vertical grid line xs[k] is drawn beside grid row r (for splitting text across it). */
  hasVertical(k: number, r: number): boolean;
  /** Whether the horizontal grid line ys[k] is drawn over grid column c. */
  hasHorizontal(k: number, c: number): boolean;
  /** The top / bottom edge is a page break cutting a row (no rule drawn there). */
  openTop: boolean;
  openBottom: boolean;
}

/** Join collinear pieces of the same line (borders are often drawn cell by cell). */
function mergeRules(rules: readonly Rule[]): Rule[] {
  const horizontal = rules.filter((r) => r.horizontal).sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0);
  const vertical = rules.filter((r) => !r.horizontal).sort((a, b) => a.x0 - b.x0 || a.y0 - b.y0);
  const merge = (list: Rule[], h: boolean): Rule[] => {
    const out: Rule[] = [];
    // Group by position, then join overlapping or touching spans within a group.
    let group: Rule[] = [];
    const flush = () => {
      if (group.length === 0) return;
      const pos = group.reduce((s, r) => s + (h ? r.y0 : r.x0), 0) / group.length;
      const spans = group.map((r) => (h ? [r.x0, r.x1] : [r.y0, r.y1]) as [number, number]).sort((a, b) => a[0] - b[0]);
      let [s0, s1] = spans[0]!;
      for (const [a, b] of spans.slice(1)) {
        if (a <= s1 + S.snapTolerance) s1 = Math.max(s1, b);
        else {
          out.push(h ? { x0: s0, x1: s1, y0: pos, y1: pos, horizontal: true } : { x0: pos, x1: pos, y0: s0, y1: s1, horizontal: false });
          [s0, s1] = [a, b];
        }
      }
      out.push(h ? { x0: s0, x1: s1, y0: pos, y1: pos, horizontal: true } : { x0: pos, x1: pos, y0: s0, y1: s1, horizontal: false });
      group = [];
    };
    for (const r of list) {
      const p = h ? r.y0 : r.x0;
      if (group.length > 0 && p - (h ? group[0]!.y0 : group[0]!.x0) > S.snapTolerance) flush();
      group.push(r);
    }
    flush();
    return out;
  };
  return [...merge(horizontal, true), ...merge(vertical, false)];
}

function touches(h: Rule, v: Rule): boolean {
  return v.x0 >= h.x0 - S.snapTolerance && v.x0 <= h.x1 + S.snapTolerance && h.y0 >= v.y0 - S.snapTolerance && h.y0 <= v.y1 + S.snapTolerance;
}

/** Positions within the snap tolerance of each other are one grid line. */
function cluster(values: number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const out: number[][] = [];
  for (const v of sorted) {
    const last = out[out.length - 1];
    if (last && v - last[last.length - 1]! <= S.snapTolerance) last.push(v);
    else out.push([v]);
  }
  return out.map((g) => g.reduce((s, v) => s + v, 0) / g.length);
}

/** Share of [from, to] covered by the given spans (sorted by start). */
function coverage(spans: ReadonlyArray<readonly [number, number]>, from: number, to: number): number {
  const length = to - from;
  if (length <= 0) return 1;
  let covered = 0;
  let cursor = from;
  for (const [a, b] of spans) {
    const s = Math.max(a, cursor);
    const e = Math.min(b, to);
    if (e > s) {
      covered += e - s;
      cursor = e;
    }
  }
  return covered / length;
}

function buildTable(rules: readonly Rule[]): Table | null {
  const horizontal = rules.filter((r) => r.horizontal);
  const vertical = rules.filter((r) => !r.horizontal);
  if (horizontal.length === 0 || vertical.length < 2) return null;
  // A table cut by a page break has no rule along the cut, but its vertical rules reach it:
  // close the table there so the part of the row on this page is a row too.
  const top = Math.min(...horizontal.map((r) => r.y0));
  const bottom = Math.max(...horizontal.map((r) => r.y0));
  const left = Math.min(...vertical.map((r) => r.x0));
  const right = Math.max(...vertical.map((r) => r.x0));
  const reachUp = Math.min(...vertical.map((r) => r.y0));
  const reachDown = Math.max(...vertical.map((r) => r.y1));
  const closing: Rule[] = [];
  const openTop = top - reachUp > S.snapTolerance * 2;
  const openBottom = reachDown - bottom > S.snapTolerance * 2;
  if (openTop) closing.push({ x0: left, x1: right, y0: reachUp, y1: reachUp, horizontal: true });
  if (openBottom) closing.push({ x0: left, x1: right, y0: reachDown, y1: reachDown, horizontal: true });
  horizontal.push(...closing);
  const ys = cluster(horizontal.map((r) => r.y0));
  const xs = cluster(vertical.map((r) => r.x0));
  if (ys.length < 2 || xs.length < 2) return null;
  const near = (list: readonly Rule[], pos: number, h: boolean) => list
    .filter((r) => Math.abs((h ? r.y0 : r.x0) - pos) <= S.snapTolerance)
    .map((r) => (h ? [r.x0, r.x1] : [r.y0, r.y1]) as [number, number])
    .sort((a, b) => a[0] - b[0]);
  const verticalAt = xs.map((x) => near(vertical, x, false));
  const horizontalAt = ys.map((y) => near(horizontal, y, true));
  // An edge between two grid cells is drawn when a rule covers most of it: drawnV[k][r] for the
  // vertical grid line k beside row r, drawnH[k][c] for the horizontal line k over column c.
  const drawnV = verticalAt.map((spans) => ys.slice(1).map((y, r) => coverage(spans, ys[r]!, y) >= S.edgeCoverage));
  const drawnH = horizontalAt.map((spans) => xs.slice(1).map((x, c) => coverage(spans, xs[c]!, x) >= S.edgeCoverage));
  const rows = ys.length - 1;
  const cols = xs.length - 1;
  const parent = Array.from({ length: rows * cols }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const union = (a: number, b: number) => { parent[find(a)] = find(b); };
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (c + 1 < cols && !drawnV[c + 1]![r]) union(r * cols + c, r * cols + c + 1);
      if (r + 1 < rows && !drawnH[r + 1]![c]) union(r * cols + c, (r + 1) * cols + c);
    }
  }
  const byRoot = new Map<number, Region>();
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const root = find(r * cols + c);
      const region = byRoot.get(root);
      if (!region) byRoot.set(root, { r0: r, c0: c, r1: r, c1: c });
      else {
        region.r0 = Math.min(region.r0, r);
        region.c0 = Math.min(region.c0, c);
        region.r1 = Math.max(region.r1, r);
        region.c1 = Math.max(region.c1, c);
      }
    }
  }
  const regions = [...byRoot.values()].sort((a, b) => a.r0 - b.r0 || a.c0 - b.c0);
  const regionAt = Array.from({ length: rows }, () => new Array<number>(cols).fill(-1));
  regions.forEach((g, i) => {
    for (let r = g.r0; r <= g.r1; r++) for (let c = g.c0; c <= g.c1; c++) if (regionAt[r]![c] === -1) regionAt[r]![c] = i;
  });
  return {
    x0: xs[0]!, x1: xs[xs.length - 1]!, y0: ys[0]!, y1: ys[ys.length - 1]!, xs, ys, regions, regionAt,
    hasVertical: (k, r) => k > 0 && k < xs.length - 1 && r >= 0 && r < rows && drawnV[k]![r]!,
    hasHorizontal: (k, c) => k >= 0 && k < ys.length && c >= 0 && c < cols && drawnH[k]![c]!,
    openTop, openBottom,
  };
}

/**
 * Vertical rules that touch nothing, beside a table and as tall as its vertical rules, are its
 * columns: Gnumeric draws no rule across merged cells where a page break cuts them, so the side
 * rules of a merged 一级 column on the next page meet no horizontal rule at all.
 */
function withSideRules(groups: Rule[][]): Rule[][] {
  const extent = (group: readonly Rule[]) => {
    const vertical = group.filter((r) => !r.horizontal);
    return vertical.length === 0 ? null : { y0: Math.min(...vertical.map((r) => r.y0)), y1: Math.max(...vertical.map((r) => r.y1)) };
  };
  const tables = groups.filter((g) => g.some((r) => r.horizontal));
  const extents = tables.map(extent);
  for (const group of groups) {
    if (group.some((r) => r.horizontal)) continue;
    const own = extent(group)!;
    const k = extents.findIndex((e) => e !== null && Math.abs(e.y0 - own.y0) <= S.snapTolerance * 2 && Math.abs(e.y1 - own.y1) <= S.snapTolerance * 2);
    if (k >= 0) tables[k]!.push(...group);
  }
  return tables;
}

/**
 * Ruling lines → tables. Lines that cross or touch form one table; its distinct x and y
 * positions are the grid, and cells whose shared edge is not drawn are one merged cell.
 */
export function findTables(rules: readonly Rule[]): Table[] {
  const merged = mergeRules(rules);
  const parent = merged.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const hs = merged.map((r, i) => [r, i] as const).filter(([r]) => r.horizontal);
  const vs = merged.map((r, i) => [r, i] as const).filter(([r]) => !r.horizontal);
  for (const [h, i] of hs) for (const [v, j] of vs) if (touches(h, v)) parent[find(i)] = find(j);
  const groups = new Map<number, Rule[]>();
  merged.forEach((r, i) => {
    const root = find(i);
    const group = groups.get(root);
    if (group) group.push(r);
    else groups.set(root, [r]);
  });
  return withSideRules([...groups.values()])
    .map(buildTable)
    .filter((t): t is Table => t !== null && t.x1 - t.x0 > S.minTableWidth && t.y1 - t.y0 > S.minTableHeight)
    .sort((a, b) => a.y0 - b.y0);
}
