import type { RowSense } from '../extract/sense.js';
import { fundingColumn, indicatorColumn, isFundingHeader, isIndicatorHeader } from './columns.js';
import { nearestLabel } from './labels.js';
import { rememberedByText } from './memo.js';
import { compact, goalHeading, isNumberCell, PART_START, SUB_ROW, TABLE_BREAK, TOTAL } from './vocabulary.js';

const first = (cells: readonly string[]) => compact(cells.find((c) => c !== '') ?? '');

/** What the form vocabulary tells an extractor about rows (see RowSense). */
export const FORM_SENSE: RowSense = {
  opens(cells) {
    if (cells.some((c) => goalHeading(c) === 'expected') && cells.some((c) => goalHeading(c) === 'actual')) return 'goals';
    if (isIndicatorHeader(cells) || isFundingHeader(cells)) return 'data';
    return PART_START.test(first(cells)) ? 'other' : null;
  },
  closes: (cells) => TOTAL.test(first(cells)),
  isNumber: isNumberCell,
  isSubRow: (cell) => SUB_ROW.test(cell.trim()),
  isColumnLabel: (text) => text.trim().length <= 12 && (indicatorColumn(text) !== null || fundingColumn(text) !== null),
  isGroupColumn: (text) => ['level1', 'level2'].includes(indicatorColumn(text) ?? '') && compact(text).length <= 6,
  endsTable: (text) => TABLE_BREAK.test(text),
  label: rememberedByText(nearestLabel),
  isNumericColumn: (text) => {
    const funding = fundingColumn(text);
    const indicator = indicatorColumn(text);
    return (funding !== null && funding !== 'deviation') || indicator === 'weight' || indicator === 'score';
  },
};
