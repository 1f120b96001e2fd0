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

export interface Axis {
  /** The values at the axis's two ends: the start need not be 0, so that 94.8% and 100% differ. */
  domain: readonly [number, number];
  /** How a tick is labelled. */
  tick: (value: number) => string;
  ticks: number;
}

/**
 * A chart: its title as a caption that wraps (phones) in a box of two lines, so that panels side by
 * side start their drawings level; the drawing at its own width or the screen's, if narrower.
 */
const svg = (title: string, width: number, height: number, body: string, id = '') =>
  `<figure class="chart"${id ? ` id="${id}"` : ''} style="width:${width}px"><figcaption>${esc(title)}</figcaption>`
  + `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}">${body}</svg></figure>`;

const tickValues = ({ domain: [lo, hi], ticks }: Axis) => Array.from({ length: ticks + 1 }, (_, i) => lo + ((hi - lo) * i) / ticks);

/**
 * A horizontal bar chart as inline SVG (no library, no network): one bar per label on `axis`
 * (gridlines and tick labels drawn, so a scale that starts above 0 shows it), the value printed
 * at the end of the bar.
 */
export function barChart(title: string, bars: readonly Bar[], axis: Axis, color: string): string {
  const rowHeight = 24;
  const labelWidth = 200;
  const barWidth = 260;
  const top = 22;
  const height = top + bars.length * rowHeight + 8;
  const [lo, hi] = axis.domain;
  const x = (v: number) => labelWidth + (Math.min(Math.max(v, lo), hi) - lo) / (hi - lo) * barWidth;
  const grid = tickValues(axis).map((v) => `<line x1="${x(v)}" x2="${x(v)}" y1="${top - 4}" y2="${height - 8}" class="grid"/>`
    + `<text x="${x(v)}" y="${top - 8}" text-anchor="middle" class="tick">${esc(axis.tick(v))}</text>`).join('');
  const rows = bars.map((b, i) => {
    const y = top + i * rowHeight;
    const w = b.value === null ? 0 : Math.max(1, x(b.value) - labelWidth);
    const label = b.label.length > 14 ? `${b.label.slice(0, 13)}…` : b.label;
    return `<text x="${labelWidth - 6}" y="${y + 15}" text-anchor="end"><title>${esc(b.label)}</title>${esc(label)}</text>`
      + `<rect x="${labelWidth}" y="${y + 4}" width="${w}" height="15" fill="${color}"><title>${esc(b.label)}: ${esc(b.text)}</title></rect>`
      + `<text x="${labelWidth + w + 4}" y="${y + 15}">${esc(b.text)}</text>`;
  }).join('');
  return svg(title, labelWidth + barWidth + 120, height, grid + rows);
}

export interface Point {
  x: number;
  y: number;
  label: string;
  /** Drawn in the warning colour (e.g. a short-fall still given full marks). */
  marked: boolean;
}

/**
 * A scatter plot as inline SVG: x and y on their axes, the corner where x and y are both high
 * shaded (where the story is), each point titled with its label.
 */
export function scatterPlot(title: string, points: readonly Point[], xAxis: Axis & { name: string }, yAxis: Axis & { name: string },
  corner: { x: number; y: number; label: string }, size: 'large' | 'small' = 'large', id = ''): string {
  const [w, h] = size === 'large' ? [560, 350] : [240, 200];
  const left = 44;
  // The corner's label stands above the plot, never on its dots.
  const top = 18;
  const bottom = 34;
  const px = (v: number) => left + (v - xAxis.domain[0]) / (xAxis.domain[1] - xAxis.domain[0]) * (w - left - 10);
  const py = (v: number) => top + (1 - (Math.max(v, yAxis.domain[0]) - yAxis.domain[0]) / (yAxis.domain[1] - yAxis.domain[0])) * (h - top - bottom);
  const shade = `<rect x="${px(corner.x)}" y="${py(yAxis.domain[1])}" width="${px(xAxis.domain[1]) - px(corner.x)}" height="${py(corner.y) - py(yAxis.domain[1])}" class="corner"/>`
    + `<text x="${px(xAxis.domain[1])}" y="${top - 5}" text-anchor="end" class="corner-label">↘ ${esc(corner.label)}</text>`;
  const xTicks = tickValues(xAxis).map((v) => `<line x1="${px(v)}" x2="${px(v)}" y1="${top}" y2="${h - bottom}" class="grid"/>`
    + `<text x="${px(v)}" y="${h - bottom + 13}" text-anchor="middle" class="tick">${esc(xAxis.tick(v))}</text>`).join('');
  const yTicks = tickValues(yAxis).map((v) => `<line x1="${left}" x2="${w - 10}" y1="${py(v)}" y2="${py(v)}" class="grid"/>`
    + `<text x="${left - 4}" y="${py(v) + 4}" text-anchor="end" class="tick">${esc(yAxis.tick(v))}</text>`).join('');
  const names = `<text x="${(left + w) / 2}" y="${h - 4}" text-anchor="middle" class="axis-name">${esc(xAxis.name)}</text>`
    + `<text x="10" y="${(top + h - bottom) / 2}" text-anchor="middle" class="axis-name" transform="rotate(-90 10 ${(top + h - bottom) / 2})">${esc(yAxis.name)}</text>`;
  const dots = points.map((p) => `<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="${size === 'large' ? 5 : 3.5}" class="${p.marked ? 'dot marked' : 'dot'}">`
    + `<title>${esc(p.label)}</title></circle>`).join('');
  return svg(title, w, h, shade + xTicks + yTicks + names + dots, id);
}
