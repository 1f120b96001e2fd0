/** The report page's stylesheet and script, inlined so the file opens with no network. */

export const REPORT_STYLE = `
body { font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 1.5rem; color: #1a202c; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.chart { display: inline-block; margin: 0 1.5rem 1rem 0; } .chart text { font-size: 12px; } .chart .chart-title { font-weight: bold; font-size: 13px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid #e2e8f0; padding: 4px 6px; text-align: left; vertical-align: top; }
#project-table > thead th { cursor: pointer; background: #edf2f7; position: sticky; top: 0; user-select: none; }
#project-table > thead th[aria-sort="ascending"]::after { content: " ▲"; } #project-table > thead th[aria-sort="descending"]::after { content: " ▼"; }
tr.summary { cursor: pointer; } tr.summary:hover { background: #f7fafc; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.inner { margin: 0.5rem 0; } .inner th { background: #f7fafc; }
tr.shortfall td { background: #fff5f5; } .tag { color: #c53030; font-size: 11px; border: 1px solid #c53030; border-radius: 3px; padding: 0 3px; }
.conf { padding: 1px 6px; border-radius: 8px; font-size: 12px; } .conf-high { background: #c6f6d5; } .conf-medium { background: #fefcbf; } .conf-low { background: #fed7d7; }
.flags li.sev-error { color: #c53030; } .flags li.sev-warn { color: #b7791f; } .flags li.sev-info { color: #4a5568; }
.source code { font-size: 12px; } #search { width: 20rem; padding: 4px; }
`;

export const REPORT_SCRIPT = `
(function () {
  var table = document.getElementById('project-table');
  var bodies = Array.prototype.slice.call(table.tBodies);
  var search = document.getElementById('search');
  var count = document.getElementById('count');
  function update() {
    var q = search.value.trim().toLowerCase();
    var shown = 0;
    bodies.forEach(function (b) {
      var hit = q === '' || b.getAttribute('data-search').toLowerCase().indexOf(q) >= 0;
      b.hidden = !hit;
      if (hit) shown++;
    });
    count.textContent = shown + ' / ' + bodies.length + ' projects';
  }
  search.addEventListener('input', update);
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
})();
`;
