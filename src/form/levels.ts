import type { Level1Code, Level2Code } from '../model/evaluation.js';

/** "产 出 指 标 (50分)" → { base: "产出指标", points: "50" }. */
export interface LevelLabel {
  base: string;
  points: string | null;
  /** level1: only ever a 一级指标; level2: only ever a 二级指标; either: 满意度指标/成本指标 without points. */
  kind: 'level1' | 'level2' | 'either';
}

const POINTS = /[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*$/;
const LEVEL1_ONLY = new Set(['产出指标', '效益指标', '产出', '效益']);
const EITHER = new Set(['满意度指标', '成本指标', '满意度', '成本']);
const LEVEL2_ONLY = new Set([
  '数量指标', '质量指标', '时效指标', '经济效益指标', '社会效益指标', '生态效益指标', '可持续影响指标',
  '服务对象满意度指标', '其他满意度指标', '其他满意度', '数量', '质量', '时效', '经济效益', '社会效益',
  '生态效益', '可持续影响', '服务对象满意度',
]);

/** Every level name the vocabulary knows, 一级 and 二级, long and short. */
export const LEVEL_NAMES: readonly string[] = [...LEVEL1_ONLY, ...EITHER, ...LEVEL2_ONLY];

/** Remove spaces between CJK characters (vertically printed labels come out as "产 出 指 标"). */
function compactCjk(text: string): string {
  return text.replace(/(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])/g, '');
}

export function parseLevelLabel(cell: string): LevelLabel | null {
  const text = compactCjk(cell.replace(/^[*★]\s*/, ''));
  const m = POINTS.exec(text);
  const points = m ? m[1]! : null;
  const base = (m ? text.slice(0, m.index) : text).trim();
  if (base === '' && points !== null) return { base: '', points, kind: 'level1' };
  if (LEVEL1_ONLY.has(base)) return { base, points, kind: 'level1' };
  if (EITHER.has(base)) return { base, points, kind: points === null ? 'either' : 'level1' };
  if (LEVEL2_ONLY.has(base) && points === null) return { base, points, kind: 'level2' };
  return null;
}

export function level1Code(label: string | null): Level1Code | null {
  if (label === null) return null;
  if (label.startsWith('产出')) return 'output';
  if (label.startsWith('效益')) return 'effect';
  if (label.startsWith('满意度')) return 'satisfaction';
  if (label.startsWith('成本')) return 'cost';
  return null;
}

const LEVEL2_CODES: ReadonlyArray<readonly [string, Level2Code]> = [
  ['数量', 'quantity'], ['质量', 'quality'], ['时效', 'timeliness'], ['成本', 'cost'], ['经济', 'economic'],
  ['社会', 'social'], ['生态', 'ecological'], ['可持续', 'sustainability'],
];

export function level2Code(label: string | null): Level2Code | null {
  if (label === null) return null;
  // 经济成本指标, 社会成本指标 (2021 forms' 成本指标 under 一级 成本指标) are costs, not effects.
  if (label.includes('成本')) return 'cost';
  for (const [prefix, code] of LEVEL2_CODES) if (label.startsWith(prefix)) return code;
  if (label.includes('满意')) return 'satisfaction';
  return null;
}
