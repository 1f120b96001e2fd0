import type { ParsedBlock } from '../model/parsed.js';
import type { Row } from '../model/table.js';
import { textValue } from './text.js';

type HeaderField = keyof ParsedBlock['header'];

const FIELDS: ReadonlyArray<readonly [RegExp, HeaderField]> = [
  [/^项目名称$/, 'projectName'],
  [/^项目编码$/, 'projectCode'],
  [/^项目(金额|总金额)$/, 'projectAmount'],
  [/^主管部门$/, 'supervisingDept'],
  [/^实施单位$/, 'implementingUnit'],
  [/^一级预算单位$/, 'budgetUnit'],
  [/^绩效自评年度$/, 'year'],
];

function headerField(cell: string): HeaderField | null {
  if (cell === '' || cell.length > 12) return null; // labels are short; most cells are not labels
  const label = cell.replace(/^[*★]\s*/, '').replace(/\s+/g, '').replace(/[:：]$/, '');
  for (const [re, field] of FIELDS) if (re.test(label)) return field;
  return null;
}

/**
 * Label/value pairs of the form's header rows. A value is the next filled cell after its label,
 * unless that cell is itself a label (then the field is empty on the form).
 */
export function parseHeader(rows: readonly Row[]): ParsedBlock['header'] {
  const header: ParsedBlock['header'] = {
    projectName: null, projectCode: null, projectAmount: null, supervisingDept: null,
    implementingUnit: null, budgetUnit: null, year: null,
  };
  for (const row of rows) {
    const { cells } = row;
    for (let i = 0; i < cells.length; i++) {
      const field = headerField(cells[i]!);
      if (field === null || header[field] !== null) continue;
      for (let j = i + 1; j < cells.length; j++) {
        const next = cells[j]!;
        if (next === '') continue;
        if (headerField(next) === null) header[field] = textValue(next);
        break;
      }
    }
  }
  return header;
}
