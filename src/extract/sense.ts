/**
 * What an extractor may ask about the form it reads — given by the caller (the form vocabulary,
 * `src/form/sense.ts`), so that extractors know geometry and file formats, not the form. The
 * page-break stitcher asks it what the rows around a break are.
 */
export interface RowSense {
  /**
   * What the rows after this one are: the goal texts (this row heads them), the data rows of a
   * table (this row names its columns), other parts of the form (this row opens one), or null
   * when this row opens nothing.
   */
  opens(cells: readonly string[]): 'goals' | 'data' | 'other' | null;
  /** This row closes a form (its total). */
  closes(cells: readonly string[]): boolean;
  /** A cell holding an amount, a rate, a score or a placeholder for one. */
  isNumber(cell: string): boolean;
  /** A cell opening a sub-row (其中…): a row of its own without numbers. */
  isSubRow(cell: string): boolean;
  /** A text that names a table's column (a header label), for tables found without rules. */
  isColumnLabel(text: string): boolean;
  /** A header label of a column whose merged cells name a group of rows (一级指标, 二级指标). */
  isGroupColumn(text: string): boolean;
  /** A text that belongs to no column table: it heads the goals or opens another part. */
  endsTable(text: string): boolean;
  /** The form's label a reading of a scanned cell misses (一级指标 for -级指标), or null (see nearestLabel). */
  label(text: string): string | null;
  /** A header label of a column of numbers: amounts, 分值, 得分, rates. */
  isNumericColumn(text: string): boolean;
  /** A line a page of forms may repeat that belongs to the forms: a heading, a year or unit line, a label. */
  isFormText(text: string): boolean;
}
