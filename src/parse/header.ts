import { rememberedByText } from '../form/memo.js';
import { CODE_IN_NAME, compact, HEADER_FIELDS, type HeaderField } from '../form/vocabulary.js';
import { flag, type Flag } from '../model/flag.js';
import type { ParsedBlock } from '../model/parsed.js';
import type { Row } from '../model/table.js';
import { quote, textValue } from './text.js';

const headerLabel = rememberedByText((cell: string): HeaderField | null => {
  const label = compact(cell).replace(/^[*★]/, '').replace(/[:：]$/, '');
  for (const [re, field] of HEADER_FIELDS) if (re.test(label)) return field;
  return null;
});

function headerField(cell: string): HeaderField | null {
  if (cell === '' || cell.length > 12) return null; // labels are short; most cells are not labels
  return headerLabel(cell);
}

/**
 * Label/value pairs of the form's header rows. A value is the next filled cell after its label,
 * unless that cell is itself a label (then the field is empty on the form). A project code
 * printed inside the name (`51092324T000010263357-2023年…项目`) is read as the code, and flagged.
 */
export function parseHeader(rows: readonly Row[]): { header: ParsedBlock['header']; flags: Flag[] } {
  const header: ParsedBlock['header'] = {
    projectName: null, projectCode: null, projectAmount: null, supervisingDept: null,
    implementingUnit: null, budgetUnit: null, year: null,
  };
  const flags: Flag[] = [];
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
  const m = header.projectName === null ? null : CODE_IN_NAME.exec(header.projectName);
  if (m && /\d/.test(m[1]!) && header.projectCode === null) {
    flags.push(flag('code_in_name', 'info', `项目名称 ${quote(header.projectName!, 40)} begins with a project code: read as 项目编码 ${m[1]}`));
    header.projectCode = m[1]!;
    header.projectName = m[2]!.trim();
  }
  return { header, flags };
}
