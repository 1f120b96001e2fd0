/** Escape text for HTML and SVG. */
export function esc(text: string | number | null | undefined): string {
  if (text === null || text === undefined) return '';
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface Bar {
  label: string;
  /** null: no data (drawn as "—"). */
  value: number | null;
  text: string;
}

/**
 * A horizontal bar chart as inline SVG (no library, no network): one bar per label, scaled
 * to `max`, the value printed at the end of the bar.
 */
export function barChart(title: string, bars: readonly Bar[], max: number, color: string): string {
  const rowHeight = 26;
  const labelWidth = 260;
  const barWidth = 300;
  const height = 30 + bars.length * rowHeight;
  const rows = bars.map((b, i) => {
    const y = 30 + i * rowHeight;
    const w = b.value === null || max <= 0 ? 0 : Math.max(1, Math.round((Math.min(b.value, max) / max) * barWidth));
    return `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end">${esc(b.label)}</text>`
      + `<rect x="${labelWidth}" y="${y + 4}" width="${w}" height="16" fill="${color}"><title>${esc(b.label)}: ${esc(b.text)}</title></rect>`
      + `<text x="${labelWidth + w + 6}" y="${y + 16}">${esc(b.text)}</text>`;
  }).join('');
  return `<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}" viewBox="0 0 ${labelWidth + barWidth + 90} ${height}" width="${labelWidth + barWidth + 90}" height="${height}">`
    + `<text x="0" y="18" class="chart-title">${esc(title)}</text>${rows}</svg></figure>`;
}
