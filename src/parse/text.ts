/** Cell-text helpers shared by the parser's sections. */

const PLACEHOLDER = /^[\/／—–\-－~～]+$/;

/** A text column keeps printed words (不适用, 无); a bare "/" or "—" or nothing is null. */
export function textValue(cell: string | undefined): string | null {
  if (cell === undefined) return null;
  const s = cell.trim();
  if (s === '' || PLACEHOLDER.test(s)) return null;
  return s;
}

const TAG = /<\/?[a-zA-Z][^<>]*>/g;
const ENTITIES: Record<string, string> = { '&nbsp;': ' ', '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"' };

/** Strip HTML residue (`<p>…</p>`) left by the publishing system; says whether anything was removed. */
export function stripHtml(text: string): { text: string; stripped: boolean } {
  const withoutTags = text.replace(TAG, ' ');
  const decoded = withoutTags.replace(/&(nbsp|lt|gt|amp|quot);/g, (e) => ENTITIES[e] ?? e);
  const stripped = decoded !== text;
  return { text: stripped ? decoded.replace(/\s+/g, ' ').trim() : text, stripped };
}

/** Short quotation of a cell for messages. */
export function quote(text: string, max = 16): string {
  return `"${text.length > max ? `${text.slice(0, max)}…` : text}"`;
}
