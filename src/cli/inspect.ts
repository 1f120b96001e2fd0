import type { DocumentResult } from '../model/document.js';
import type { ValidatedEvaluation } from '../model/evaluation.js';
import { terminalSafe } from './terminal.js';
import { renderTable } from './text-width.js';

const show = (v: string | number | null) => (v === null ? '—' : String(v));

function formatEvaluation(e: ValidatedEvaluation): string {
  const where = e.pageStart !== null ? `pages ${e.pageStart}–${e.pageEnd}, ` : '';
  const out: string[] = [];
  out.push(`■ block ${e.blockIndex}: ${e.title ?? '(no heading)'} — ${where}lines ${e.lineStart}–${e.lineEnd} — confidence ${e.confidence}`);
  out.push(`  项目名称 ${show(e.projectName)}   项目编码 ${show(e.projectCode)}   项目金额 ${show(e.projectAmountYuan)} 元`);
  out.push(`  主管部门 ${show(e.supervisingDept)}   实施单位 ${show(e.implementingUnit)}   一级预算单位 ${show(e.budgetUnit)}`);
  // An inferred year says so, as the money unit says where it came from.
  const inferred = e.flags.some((f) => f.code === 'year_inferred') ? ' (inferred)' : '';
  out.push(`  年度 ${show(e.year)}${inferred}   资金单位 ${e.moneyUnit} (${e.moneyUnitSource}, ${e.moneyUnitConfidence})   总分 ${show(e.totalWeight)} / ${show(e.totalScoreRaw)}`);
  out.push(`  预期目标: ${show(e.goalExpected)}`);
  out.push(`  实际完成: ${show(e.goalActual)}`);
  out.push('');
  out.push(renderTable(
    [{ header: '资金' }, { header: '年初预算(元)', align: 'right' }, { header: '全年预算(元)', align: 'right' },
      { header: '全年执行(元)', align: 'right' }, { header: '分值', align: 'right' }, { header: '执行率', align: 'right' },
      { header: '(印)', align: 'right' }, { header: '得分', align: 'right' }],
    e.funding.map((f) => [f.line, show(f.initialYuan), show(f.fullYearYuan), show(f.executedYuan), show(f.weight),
      f.rate === null ? '—' : `${(f.rate * 100).toFixed(2)}%`, show(f.rateRaw), show(f.score)]),
  ).replace(/^/gm, '  '));
  out.push('');
  out.push(renderTable(
    [{ header: '#', align: 'right' }, { header: '行', align: 'right' }, { header: '一级指标', max: 16 }, { header: '二级指标', max: 14 },
      { header: '三级指标', max: 24 }, { header: '年度指标值', max: 18 }, { header: '实际完成值', max: 18 },
      { header: '分值', align: 'right' }, { header: '得分', align: 'right' }, { header: '偏差原因', max: 16 }],
    e.indicators.map((i) => [String(i.seq), String(i.line),
      i.level1 === null ? '—' : `${i.level1}${i.level1Points === null ? '' : ` (${i.level1Points}分)`}`,
      show(i.level2), show(i.name), show(i.target), show(i.actual), show(i.weight), show(i.score), show(i.deviation)]),
  ).replace(/^/gm, '  '));
  out.push('');
  if (e.flags.length === 0) out.push('  flags: none');
  for (const f of e.flags) out.push(`  [${f.severity}] ${f.code}${f.indicatorSeq === null ? '' : ` #${f.indicatorSeq}`}: ${f.message}`);
  return out.join('\n');
}

/** The `inspect` report: every block found in one document, with what the parser made of it. */
export function formatInspection(result: DocumentResult): string {
  const d = result.document;
  const head = `${d.source}: ${d.status}${d.error ? ` — ${d.error}` : ''}; ${result.evaluations.length} block(s); sha256 ${d.sha256 ?? '—'}`;
  return terminalSafe([head, ...result.evaluations.map(formatEvaluation)].join('\n\n'));
}
