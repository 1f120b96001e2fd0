/**
 * When two evaluations are the same form: the same year, department, implementing unit and
 * project — by 项目编码 when the form prints one, else by the project's name — whatever files and
 * formats they were read from (a 部门决算 PDF and the .xls attachment beside it print the same
 * forms). Names are compared as a reader would: full- and half-width alike (NFKC), without
 * spaces or punctuation, and without a year of their own (2021年综合管理工作经费 is 综合管理工作经费).
 * The same key without the year is the project's series across years; without the year and the
 * implementing unit, its kin, where a copy that prints neither finds the form that does.
 * (Names as compared hold no '|': it separates an identity's parts.)
 */

/** The fields of an evaluation its identity is made of. */
export interface FormFields {
  year: number | null;
  supervisingDept: string | null;
  budgetUnit: string | null;
  implementingUnit: string | null;
  projectCode: string | null;
  projectName: string | null;
}

export interface FormIdentity {
  /** Year, department, unit and project: the same for every copy of the form. */
  identity: string;
  /**
   * Department, unit and the project's name, without the year: one project followed across
   * years. Forms whose names differ are one series too where their 项目编码 is the same (the store
   * links them).
   */
  series: string;
  /** The project's code as compared, for linking a series whose name changed. */
  code: string | null;
  /** The department the form is counted under: 主管部门, or 一级预算单位 where it names none. */
  department: string | null;
  /** Department and project without the year and the implementing unit: where a copy that lacks either looks for its form. */
  kin: string;
}

/** An identity's parts: its year and implementing unit as compared ('' where it has none), and its kin. */
export function identityParts(identity: string): { year: string; unit: string; kin: string } {
  if (identity.startsWith('own:')) return { year: '', unit: '', kin: identity };
  const [year = '', department = '', unit = '', ...project] = identity.split('|');
  return { year, unit, kin: `${department}|${project.join('|')}` };
}

/** Marks that do not change a name: spaces, brackets, stops, dashes, quotes. */
const MARKS = /[\s()[\]{}<>（）【】〔〕［］「」『』《》〈〉"'“”‘’·•、,，.。:：;；\-—–_/／\\|!！?？]+/g;
/** A year inside a name: 2021年, 2021年度, 2021 . */
const YEAR = /(19|20)\d{2}\s*年度?/g;

/** A name as compared: NFKC, lower case, without marks. */
export function normalisedName(text: string | null): string {
  return (text ?? '').normalize('NFKC').toLowerCase().replace(YEAR, '').replace(MARKS, '');
}

/**
 * The form an evaluation is a copy of; `ordinal` tells apart forms of one document with the same
 * key (its k-th such block, from 1). An evaluation with neither a code nor a name is a form of its
 * own (`own` names it): nothing says what else it could be a copy of.
 */
export function formIdentity(e: FormFields, ordinal: number, own: string): FormIdentity {
  const department = e.supervisingDept ?? e.budgetUnit;
  const code = e.projectCode === null ? null : normalisedName(e.projectCode) || null;
  const name = normalisedName(e.projectName);
  const nth = ordinal > 1 ? `#${ordinal}` : '';
  const where = `${normalisedName(department)}|${normalisedName(e.implementingUnit)}`;
  if (code === null && name === '') return { identity: `own:${own}`, series: `own:${own}`, code, department, kin: `own:${own}` };
  const identity = `${e.year ?? ''}|${where}|${code !== null ? `code:${code}` : `name:${name}`}${nth}`;
  return { identity, series: `${where}|name:${name}${nth}`, code, department, kin: identityParts(identity).kin };
}
