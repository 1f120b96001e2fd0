import type { Confidence } from '../model/flag.js';
import { flag, type Flag } from '../model/flag.js';
import type { MoneyUnitSource } from '../model/evaluation.js';
import type { ParsedBlock } from '../model/parsed.js';
import { parseIndicatorValue } from './indicator-value.js';
import { PLAIN_NUMBER } from '../form/vocabulary.js';

/**
 * The money unit of a form, tested by the form's own numbers. The unit a form prints (or that OCR
 * read) is checked against what its figures say: a 成本指标 target of ≤202.6万元 is the 全年预算 of
 * 202.64 only in 万元; a project's budget of 9.48 can only be 万元 (no project has a few 元); a
 * 项目金额 printed with its own unit (94,800元) against the bare funding amounts. A unit the numbers
 * contradict is flagged with the evidence; a unit not read is never a silent default.
 */

type Unit = '元' | '万元';

export interface MoneyUnit {
  unit: Unit;
  source: MoneyUnitSource;
  /** How sure: high (printed, nothing contradicts it), medium (read unsure, or found from the numbers), low (assumed, or contradicted). */
  confidence: Confidence;
  flags: Flag[];
}

/** One thing on the form that says which unit its money is in. */
interface Evidence {
  favours: Unit;
  /** Strong evidence decides a unit nobody printed and contradicts a printed one as an error; weak only warns. */
  strong: boolean;
  says: string;
}

/**
 * The figures are compared as plain numbers, within a tolerance: evidence only, never stored
 * (the amounts themselves are scaled in decimal by the normaliser).
 */
const scale = (unit: Unit) => (unit === '万元' ? 10000 : 1);
const other = (unit: Unit): Unit => (unit === '元' ? '万元' : '元');
/** Two amounts are the same figure within this share (a target rounded to one decimal: ≤202.6万元 for 202.64). */
const SAME = 0.005;
/** A whole project's budget below this many 元 is a few 元: the amounts are in 万元 (strong below SURELY_WAN). */
const FEW_YUAN = 1000;
const SURELY_WAN = 100;
/** A project's budget above this many 万元 (a thousand 亿元) is no project's: the amounts are in 元. */
const TOO_MANY_WAN = 1e7;

/** A printed amount as a number (1,656.74), or null. */
function amount(text: string | null | undefined): number | null {
  if (text == null || !PLAIN_NUMBER.test(text.trim())) return null;
  return Number(text.trim().replace(/,/g, ''));
}

/** A money cell printed with a unit of its own (94,800元, 9.48万元): its value in 元. */
function withOwnUnit(text: string | null): { yuan: number; unit: Unit } | null {
  if (text === null || !/[元万]$/.test(text.trim())) return null;
  const m = /^(.*?)\s*(万元|万|元)$/.exec(text.trim())!;
  const d = amount(m[1]);
  if (d === null) return null;
  const unit: Unit = m[2] === '元' ? '元' : '万元';
  return { yuan: d * scale(unit), unit };
}

const fmt = (n: number) => String(Math.round(n * 100) / 100);

function evidenceOf(block: ParsedBlock): Evidence[] {
  const out: Evidence[] = [];
  const total = block.funding.find((l) => l.line === 'total') ?? block.funding[0];
  const cells = [['项目金额', block.header.projectAmount], ['年初预算数', total?.initial], ['全年预算数', total?.fullYear], ['全年执行数', total?.executed]] as const;
  // The form's whole-project amounts as printed, bare (their unit is the form's).
  const amounts: Array<{ what: string; value: number }> = [];
  for (const [what, text] of cells) {
    const d = amount(text);
    if (d !== null && d > 0) amounts.push({ what, value: d });
  }
  // Figures the form states in 元 or 万元 itself: a 项目金额 or an amount with its own unit, money targets and actuals.
  const stated: Array<{ what: string; yuan: number }> = [];
  for (const [what, text] of cells) {
    const own = withOwnUnit(text ?? null);
    if (own === null) continue;
    stated.push({ what: `${what} "${text}"`, yuan: own.yuan });
    out.push({ favours: own.unit, strong: false, says: `${what} prints its own unit ("${text}")` });
  }
  for (const ind of block.indicators) {
    for (const [side, text] of [['target', ind.target], ['actual', ind.actual]] as const) {
      if (text === null || !/元|万/.test(text)) continue;
      const value = parseIndicatorValue(text, true);
      if (value === null || value.unit !== '元' || !value.value.greaterThan(0)) continue;
      stated.push({ what: `indicator "${ind.name ?? ''}" ${side === 'target' ? '年度指标值' : '实际完成值'} "${text}"`, yuan: value.value.toNumber() });
    }
  }
  // A stated figure that is one of the bare amounts in one unit only says that unit.
  for (const s of stated) {
    const matches = (unit: Unit) => amounts.filter((a) => Math.abs(a.value * scale(unit) - s.yuan) <= s.yuan * SAME);
    for (const unit of ['元', '万元'] as const) {
      const found = matches(unit);
      if (found.length > 0 && matches(other(unit)).length === 0) {
        out.push({ favours: unit, strong: true, says: `${s.what} is ${found[0]!.what} ${found[0]!.value} in ${unit}` });
        break;
      }
    }
  }
  // No whole project has a budget of a few 元, nor of a thousand 亿元.
  const largest = amounts.reduce<{ what: string; value: number } | null>((m, a) => (m === null || a.value > m.value ? a : m), null);
  if (largest !== null && largest.value < FEW_YUAN) {
    out.push({ favours: '万元', strong: largest.value < SURELY_WAN, says: `${largest.what} ${largest.value} would be ${fmt(largest.value)} 元, and no project's budget is a few 元` });
  } else if (largest !== null && largest.value > TOO_MANY_WAN) {
    out.push({ favours: '元', strong: true, says: `${largest.what} ${largest.value} would be ${fmt(largest.value / 10000)} 亿元` });
  }
  return out;
}

const listed = (items: readonly Evidence[]) => items.map((e) => e.says).join('; ');

/** The form's money unit, where it came from, how sure it is, and the flags that say so. */
export function moneyUnitOf(block: ParsedBlock): MoneyUnit {
  const read = block.moneyUnit;
  const evidence = evidenceOf(block);
  if (read.unit !== null && read.source !== null) {
    const against = evidence.filter((e) => e.favours !== read.unit);
    const agrees = evidence.some((e) => e.favours === read.unit);
    const where = `${read.source.replace('_', ' ')} "${read.label}"${read.unsure ? ', read unsure by OCR' : ''}`;
    if (against.length > 0 && !agrees) {
      const strong = against.some((e) => e.strong);
      return {
        unit: read.unit, source: read.source, confidence: strong ? 'low' : 'medium',
        flags: [flag('unit_contradicted', strong ? 'error' : 'warn',
          `money is printed in ${read.unit} (${where}) but the form's own numbers say ${other(read.unit)}: ${listed(against)}; amounts stored in ${read.unit}`)],
      };
    }
    return { unit: read.unit, source: read.source, confidence: read.unsure && !agrees ? 'medium' : 'high', flags: [] };
  }
  const unreadable = read.label === null ? 'the form prints no money unit' : `no money unit could be read from ${JSON.stringify(read.label)}`;
  const strong = (unit: Unit) => evidence.some((e) => e.favours === unit && e.strong);
  for (const unit of ['万元', '元'] as const) {
    if (strong(unit) && !evidence.some((e) => e.favours === other(unit))) {
      return {
        unit, source: 'inferred', confidence: 'medium',
        flags: [flag('unit_inferred', 'warn', `${unreadable}; the form's own numbers say ${unit}: ${listed(evidence)}; amounts stored in ${unit}`)],
      };
    }
  }
  const tested = evidence.length === 0 ? 'nothing on the form tests it' : `the form's numbers do not settle it (${listed(evidence)})`;
  return { unit: '元', source: 'default', confidence: 'low', flags: [flag('unit_assumed', 'warn', `${unreadable}: 元 assumed, and ${tested}`)] };
}
