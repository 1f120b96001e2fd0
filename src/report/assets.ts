import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../version.js';

/** The report page's stylesheet and script, inlined so the file opens with no network. */

/**
 * The page's own Chinese font, for machines that have none (a server taking screenshots): Noto Sans
 * CJK SC cut down to GB2312's characters (assets/fonts/, SIL OFL 1.1), inlined as WOFF2. Last in
 * the font list: a machine's own Chinese font is used first, and a browser decodes this one only
 * for characters nothing before it has.
 */
const FONT_FACE = `@font-face { font-family: "zipin CJK"; font-display: swap;
  src: url(data:font/woff2;base64,${readFileSync(join(PACKAGE_ROOT, 'assets', 'fonts', 'noto-sans-sc-gb2312.woff2')).toString('base64')}) format("woff2"); }`;

export const REPORT_STYLE = `${FONT_FACE}
body { font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", "zipin CJK", sans-serif; margin: 1.5rem; color: #1a202c; line-height: 1.5; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.chart { display: inline-block; margin: 0 1.5rem 1rem 0; max-width: 100%; vertical-align: top; } .chart svg { display: block; width: 100%; height: auto; }
.chart figcaption { font-weight: bold; font-size: 13px; line-height: 1.4; min-height: 2.8em; margin-bottom: 2px; } .chart text { font-size: 12px; } .chart .tick, .chart .axis-name { font-size: 10px; fill: #4a5568; }
.chart .grid { stroke: #e2e8f0; } .chart .corner { fill: #fff5f5; stroke: #feb2b2; } .chart .corner-label { font-size: 10px; fill: #c53030; }
.chart .dot { fill: #4a5568; fill-opacity: 0.65; } .chart .dot.marked { fill: #c53030; fill-opacity: 0.85; }
.small-multiples .chart { margin-right: 0.75rem; } .note { color: #4a5568; font-size: 12px; }
.scroll { overflow-x: auto; background: linear-gradient(to right, #fff 30%, rgba(255,255,255,0)) left / 24px 100% no-repeat local,
  linear-gradient(to left, #fff 30%, rgba(255,255,255,0)) right / 24px 100% no-repeat local,
  radial-gradient(farthest-side at 0 50%, rgba(0,0,0,.18), transparent) left / 10px 100% no-repeat scroll,
  radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,.18), transparent) right / 10px 100% no-repeat scroll; }
.scroll-hint { color: #4a5568; font-size: 12px; margin: 0 0 2px; } .scroll-hint[hidden] { display: none; }
.year-charts .chart { margin-right: 0.75rem; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid #e2e8f0; padding: 4px 6px; text-align: left; vertical-align: top; }
#project-table > thead th { cursor: pointer; background: #edf2f7; position: sticky; top: 0; user-select: none; white-space: nowrap; }
#project-table > thead th[data-type="num"] { text-align: right; }
#project-table > thead th[aria-sort="ascending"]::after { content: " ▲"; } #project-table > thead th[aria-sort="descending"]::after { content: " ▼"; }
tr.summary { cursor: pointer; } tr.summary:hover { background: #f7fafc; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.inner { margin: 0.5rem 0; } .inner th { background: #f7fafc; }
tr.shortfall.full-marks td { background: #fed7d7; } tr.shortfall.lost-points td { background: #fffaf0; }
.tag { font-size: 11px; border-radius: 3px; padding: 0 3px; white-space: nowrap; }
.tag-full { color: #fff; background: #c53030; } .tag-lost { color: #975a16; border: 1px solid #d69e2e; }
.withdrawn { color: #718096; font-style: italic; }
.conf { padding: 1px 6px; border-radius: 8px; font-size: 12px; } .conf-high { background: #c6f6d5; } .conf-medium { background: #fefcbf; } .conf-low { background: #fed7d7; }
.flags li.sev-error { color: #c53030; } .flags li.sev-warn { color: #b7791f; } .flags li.sev-info { color: #4a5568; }
.source code { font-size: 12px; word-break: break-all; } #search { width: 16rem; max-width: 100%; padding: 4px; }
.controls { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: center; margin-bottom: 0.5rem; }
@media (max-width: 600px) {
  body { margin: 0.75rem; } h1 { font-size: 1.15rem; } .chart, .small-multiples .chart { margin-right: 0; }
  #project-table { font-size: 12px; } #project-table td:nth-child(2), #project-table th:nth-child(2), #project-table td:nth-child(3), #project-table th:nth-child(3) { display: none; }
}
`;

export const REPORT_SCRIPT = `
(function () {
  var table = document.getElementById('project-table');
  var bodies = Array.prototype.slice.call(table.tBodies);
  var search = document.getElementById('search');
  var count = document.getElementById('count');
  var fullMarks = document.getElementById('full-marks-filter');
  function update() {
    var q = search.value.trim().toLowerCase();
    var shown = 0;
    bodies.forEach(function (b) {
      var hit = (q === '' || b.getAttribute('data-search').toLowerCase().indexOf(q) >= 0)
        && (!fullMarks.checked || b.getAttribute('data-full-marks-short') === '1');
      b.hidden = !hit;
      if (hit) shown++;
    });
    count.textContent = '显示 ' + shown + ' / ' + bodies.length + ' 个项目';
  }
  search.addEventListener('input', update);
  fullMarks.addEventListener('change', update);
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  headers.forEach(function (th, col) {
    th.addEventListener('click', function () {
      var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
      headers.forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
      var numeric = th.getAttribute('data-type') === 'num';
      var key = function (b) { return b.rows[0].cells[col].getAttribute('data-sort'); };
      bodies.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (numeric) {
          if (x === '' || y === '') return x === y ? 0 : x === '' ? 1 : -1;
          return (Number(x) - Number(y)) * dir;
        }
        return x.localeCompare(y, 'zh-CN') * dir;
      });
      bodies.forEach(function (b) { table.appendChild(b); });
    });
  });
  bodies.forEach(function (b) {
    var toggle = function () { b.rows[1].hidden = !b.rows[1].hidden; };
    b.rows[0].addEventListener('click', toggle);
    b.rows[0].addEventListener('keydown', function (e) { if (e.key === 'Enter') toggle(); });
  });
  update();
  // A table wider than the screen says so above it (its edges shade where more of it is).
  function hints() {
    Array.prototype.forEach.call(document.querySelectorAll('.scroll'), function (s) {
      var hint = s.previousElementSibling;
      if (hint && hint.className === 'scroll-hint') hint.hidden = s.scrollWidth <= s.clientWidth;
    });
  }
  window.addEventListener('resize', hints);
  // The inline font, once loaded, may widen a table (its glyphs are wider than a missing font's boxes).
  if (document.fonts) { document.fonts.ready.then(hints); document.fonts.addEventListener('loadingdone', hints); }
  document.addEventListener('toggle', hints, true);
  bodies.forEach(function (b) { b.rows[0].addEventListener('click', hints); });
  hints();
})();
`;
