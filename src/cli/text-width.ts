import { terminalSafe } from './terminal.js';

/** Terminal columns a character takes: East Asian wide and fullwidth characters take two. */
function charWidth(cp: number): number {
  if (cp < 0x1100) return 1;
  if (
    (cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) || (cp >= 0xac00 && cp <= 0xd7a3)
    || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60)
    || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) || (cp >= 0x20000 && cp <= 0x3fffd)
  ) return 2;
  return 1;
}

export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/** Cut to at most `max` columns, marking the cut with …. */
export function truncate(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  let out = '';
  let w = 0;
  for (const ch of text) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > max - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}

export interface Column {
  header: string;
  align?: 'left' | 'right';
  max?: number;
}

/** An aligned text table whose Chinese text lines up (CJK characters are two columns wide). */
export function renderTable(columns: readonly Column[], rows: ReadonlyArray<ReadonlyArray<string>>): string {
  const cells = rows.map((r) => r.map((c, i) => truncate(terminalSafe(c).replace(/\n/g, ' '), columns[i]?.max ?? 40)));
  const widths = columns.map((col, i) => Math.max(displayWidth(col.header), ...cells.map((r) => displayWidth(r[i] ?? ''))));
  const line = (r: readonly string[]) => r
    .map((c, i) => (columns[i]?.align === 'right' ? padStart(c, widths[i]!) : padEnd(c, widths[i]!)))
    .join('  ')
    .trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
