import { parseFragment } from 'parse5';
import { isDash } from '../form/vocabulary.js';

/** Cell-text helpers shared by the parser's sections. */

/** A text column keeps printed words (不适用, 无); a bare "/" or "—" or nothing is null. */
export function textValue(cell: string | undefined): string | null {
  if (cell === undefined) return null;
  const s = cell.trim();
  if (s === '' || isDash(s)) return null;
  return s;
}

/** Elements that end a line where a reader sees them: their text is kept apart by a space. */
const BREAKS = new Set(['br', 'p', 'div', 'li', 'tr', 'td', 'th', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

type Node = { nodeName: string; value?: string; childNodes?: Node[] };

function textOf(node: Node, out: string[]): void {
  if (node.nodeName === '#text') out.push(node.value ?? '');
  else if (node.nodeName === 'script' || node.nodeName === 'style') return;
  const block = BREAKS.has(node.nodeName);
  if (block) out.push(' ');
  for (const child of node.childNodes ?? []) textOf(child, out);
  if (block) out.push(' ');
}

/**
 * Strip HTML residue (`<p>…</p>`, `&#160;`, `&ldquo;`) left by the publishing system, as an
 * HTML parser reads it (parse5: the same tokenizer browsers use, so `<5` stays text and every
 * named or numeric entity is decoded); says whether anything changed.
 */
export function stripHtml(text: string): { text: string; stripped: boolean } {
  if (!text.includes('<') && !text.includes('&')) return { text, stripped: false };
  const out: string[] = [];
  textOf(parseFragment(text) as unknown as Node, out);
  const decoded = out.join('');
  const stripped = decoded !== text;
  return { text: stripped ? decoded.replace(/\s+/g, ' ').trim() : text, stripped };
}

/** Short quotation of a cell for messages. */
export function quote(text: string, max = 16): string {
  return `"${text.length > max ? `${text.slice(0, max)}…` : text}"`;
}
