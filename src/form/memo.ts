/** Distinct texts one classifier remembers before it starts afresh (memory stays bounded on any corpus). */
const MEMO_SIZE = 10_000;
/** Texts longer than this (names, goals, reasons) are classified each time: they seldom repeat. */
const MEMO_LONGEST = 40;

/**
 * `classify` remembered by cell text: every row of every block is asked about more than once
 * (segment, the stitcher and parse look for header rows, funding lines, goals, sections), and
 * forms repeat the same labels and values over and over. `classify` must be a pure function of
 * the text, and answer null rather than undefined.
 */
export function rememberedByText<T extends {} | null>(classify: (cell: string) => T): (cell: string) => T {
  const memo = new Map<string, T>();
  return (cell) => {
    if (cell.length > MEMO_LONGEST) return classify(cell);
    const known = memo.get(cell); // one lookup: a classification is never undefined
    if (known !== undefined) return known;
    if (memo.size >= MEMO_SIZE) memo.clear();
    const result = classify(cell);
    memo.set(cell, result);
    return result;
  };
}
