import type { RowSense } from '../extract/sense.js';
import { fundingColumn, indicatorColumn, isFundingHeader, isIndicatorHeader } from './columns.js';
import { isKnownLabel, nearestLabel } from './labels.js';
import { rememberedByText } from './memo.js';
import { compact, goalHeading, HEADING, HEADING_PREFIX, HEADING_SUFFIX, INSTRUCTIONS, isNumberCell, moneyUnitIn, PART_START, SUB_ROW, TABLE_BREAK, TOTAL, YEAR_LINE } from './vocabulary.js';

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
  isFormText: (text) => {
    const t = compact(text);
    return HEADING.test(t.replace(HEADING_PREFIX, '').replace(HEADING_SUFFIX, '')) || YEAR_LINE.test(t) || moneyUnitIn(t) !== null
      || PART_START.test(t) || INSTRUCTIONS.test(t) || nearestLabel(t) !== null || isKnownLabel(t);
  },
  isNumericColumn: (text) => {
    const funding = fundingColumn(text);
    const indicator = indicatorColumn(text);
    return (funding !== null && funding !== 'deviation') || indicator === 'weight' || indicator === 'score';
  },
};
