import type { PageTrace } from '../extract/index.js';
import { fundingLine, isFundingHeader } from '../form/columns.js';
import type { ValidatedEvaluation } from '../model/evaluation.js';
import type { Row } from '../model/table.js';
import { esc } from './svg.js';

/** What the parser made of a row. */
export type RowRole = 'header' | 'funding' | 'indicator' | 'total' | 'repaired';

const COLOURS: Record<RowRole, string> = {
  header: '#4e79a7', funding: '#59a14f', indicator: '#f28e2b', total: '#b07aa1', repaired: '#e15759',
};
const LEGEND: Record<RowRole, string> = {
  header: '表头 header', funding: '资金 funding', indicator: '指标 indicator', total: '总分 total', repaired: '修复 repaired',
};

/** Flags that say the parser moved a row's cells (or could not place them), with the row's line. */
const REPAIRS = new Set(['column_shift', 'duplicate_cell_merged', 'row_unplaced', 'header_misaligned']);

/** Each row of each block by what the parser made of it (rows outside every block have none). */
export function rowRoles(rows: readonly Row[], evaluations: readonly ValidatedEvaluation[]): Map<number, RowRole> {
  const roles = new Map<number, RowRole>();
  for (const e of evaluations) {
    const indicators = new Set(e.indicators.map((i) => i.line));
    const repaired = new Set(e.flags.filter((f) => REPAIRS.has(f.code)).map((f) => Number(/line (\d+)/.exec(f.message)?.[1])));
    const firstIndicator = Math.min(...indicators);
    for (const row of rows) {
      if (row.line < e.lineStart || row.line > e.lineEnd) continue;
      const role: RowRole = repaired.has(row.line) ? 'repaired'
        : indicators.has(row.line) ? 'indicator'
          : row.line === e.lineEnd ? 'total'
            : row.line < firstIndicator && (isFundingHeader(row.cells) || row.cells.some((c) => fundingLine(c) !== null)) ? 'funding'
              : 'header';
      roles.set(row.line, role);
    }
  }
  return roles;
}

const f1 = (n: number) => Math.round(n * 10) / 10;

/**
 * One page as zipin saw it — our answer to Camelot's plot(): the ruling lines, the cells of the
 * rebuilt tables (merged cells dashed, with their span), the text runs, and each block's
 * outline, cells coloured by what the parser made of their row. Opens in any browser.
 */
export function pageSvg(trace: PageTrace, rows: readonly Row[], evaluations: readonly ValidatedEvaluation[], roles: ReadonlyMap<number, RowRole>): string {
  const onPage = rows.filter((r) => r.page === trace.page);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${f1(trace.width * 1.5)}" height="${f1(trace.height * 1.5)}" viewBox="0 0 ${f1(trace.width)} ${f1(trace.height)}" font-family="Noto Sans CJK SC, sans-serif">`);
  out.push(`<title>page ${trace.page}</title><rect width="100%" height="100%" fill="#fff"/>`);
  out.push('<g class="cells">');
  for (const row of onPage) {
    const role = roles.get(row.line);
    row.spans?.forEach((s, i) => {
      if (s.box === null || s.continued) return;
      const [x0, y0, x1, y1] = s.box;
      const merged = s.cols > 1 || s.rows > 1;
      out.push(`<rect x="${f1(x0)}" y="${f1(y0)}" width="${f1(x1 - x0)}" height="${f1(y1 - y0)}" fill="${role ? COLOURS[role] : 'none'}" fill-opacity="0.18" stroke="${merged ? '#1f77b4' : '#999'}" stroke-width="${merged ? 0.8 : 0.3}"${merged ? ' stroke-dasharray="3 2"' : ''}><title>line ${row.line}${role ? ` (${role})` : ''}, cell ${i + 1}: columns ${s.col + 1}–${s.col + s.cols}, ${s.rows} row(s)${s.openTop ? ', open above' : ''}${s.openBottom ? ', open below' : ''}</title></rect>`);
      if (merged) out.push(`<text x="${f1(x1 - 1)}" y="${f1(y0 + 3.5)}" font-size="3" fill="#1f77b4" text-anchor="end">${s.cols}×${s.rows}</text>`);
    });
  }
  out.push('</g><g class="rules" stroke="#000" stroke-width="0.6">');
  for (const r of trace.rules) out.push(`<line x1="${f1(r.x0)}" y1="${f1(r.y0)}" x2="${f1(r.x1)}" y2="${f1(r.y1)}"/>`);
  out.push('</g><g class="runs">');
  for (const r of trace.runs) {
    out.push(`<rect x="${f1(r.x0)}" y="${f1(r.y0)}" width="${f1(r.x1 - r.x0)}" height="${f1(r.y1 - r.y0)}" fill="none" stroke="#bbb" stroke-width="0.2"/>`);
    out.push(`<text x="${f1(r.x0)}" y="${f1(r.y1 - r.size * 0.15)}" font-size="${f1(r.size * 0.85)}" fill="#222">${esc(r.text)}</text>`);
  }
  out.push('</g><g class="blocks" fill="none" stroke="#d62728" stroke-width="1.2" stroke-dasharray="6 3">');
  for (const e of evaluations) {
    const boxes = onPage.filter((r) => r.line >= e.lineStart && r.line <= e.lineEnd).flatMap((r) => r.spans ?? []).map((s) => s.box).filter((b) => b !== null);
    if (boxes.length === 0) continue;
    const [x0, y0, x1, y1] = [Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])), Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3]))];
    out.push(`<rect x="${f1(x0 - 2)}" y="${f1(y0 - 2)}" width="${f1(x1 - x0 + 4)}" height="${f1(y1 - y0 + 4)}"/>`);
    out.push(`<text x="${f1(x0)}" y="${f1(Math.max(6, y0 - 3))}" font-size="5" fill="#d62728" stroke="none">block ${e.blockIndex}: ${esc(e.projectName ?? '')} (${e.confidence})</text>`);
  }
  out.push('</g><g class="legend" font-size="5">');
  (Object.keys(COLOURS) as RowRole[]).forEach((role, k) => {
    out.push(`<rect x="${4 + k * 52}" y="${trace.height - 9}" width="6" height="5" fill="${COLOURS[role]}" fill-opacity="0.5"/><text x="${12 + k * 52}" y="${trace.height - 5}">${LEGEND[role]}</text>`);
  });
  out.push('</g></svg>');
  return out.join('\n');
}
