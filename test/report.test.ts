import Database from 'better-sqlite3';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../src/report/report.js';
import { sqliteReader } from '../src/store/reader.js';
import { buildCorpusDb, DOCS, tempDir } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(`report browser test skipped: ${CHROMIUM} is absent (install Debian's chromium package; .ci/run does)`);
}

const dir = tempDir();
const dbPath = join(dir, 'zipin.sqlite');
const reportPath = join(dir, 'report.html');

beforeAll(async () => {
  await buildCorpusDb(dbPath);
  const db = new Database(dbPath, { readonly: true });
  const html = await buildReport(sqliteReader(db), new Date('2026-01-01T00:00:00Z'));
  db.close();
  writeFileSync(reportPath, html);
});

describe('the report file', () => {
  it('is self-contained: no external scripts, styles, images or fonts', () => {
    const html = readFileSync(reportPath, 'utf8');
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
    // Its one url() is its font, inline.
    expect(html).not.toMatch(/@import|url\((?!data:font\/woff2;base64,)/);
    expect(html.match(/<tbody class="project"/g)).toHaveLength(58);
  });
});

describe.skipIf(!haveChromium)('the report in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('searches, sorts, opens a project and takes a screenshot', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const requests: string[] = [];
    page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
    await page.goto(pathToFileURL(reportPath).href);
    await expect.poll(() => page.textContent('#count')).toBe('显示 58 / 58 个项目');
    // Three department bar charts, the project scatter, one small scatter per department, and the
    // year chart of the one department the corpus holds in two years.
    expect(await page.locator('svg[role="img"]').count()).toBe(9);
    const rateAxis = await page.locator('svg[aria-label^="执行率"] text.tick').allTextContents();
    expect(rateAxis[0]).toBe('90%'); // starts near the lowest rate (94.82%), so 94.8% and 100% look different

    // The scatter: one dot per project with judged targets, red where a short-fall still got full marks.
    const chart = page.locator('#score-chart');
    const marked = await chart.locator('circle.marked title').allTextContents();
    expect(marked.map((t) => t.split('：')[0]).sort()).toEqual(['大鹏新区政务光纤二期', '信息工程质量监督', '接待费', '深圳市互联网行业同心圆工程', '综合管理工作经费'].sort());
    expect(await chart.locator('circle').count()).toBeGreaterThan(40);

    // The filter and the column: full marks despite a missed target.
    await page.check('#full-marks-filter');
    expect(await page.textContent('#count')).toBe('显示 5 / 58 个项目');
    const flaggedRows = page.locator('tbody.project:not([hidden]) tr.summary');
    expect(await flaggedRows.locator('td:nth-child(8)').allTextContents()).toEqual(expect.arrayContaining(['3', '1']));
    await page.uncheck('#full-marks-filter');

    await page.fill('#search', '同心圆');
    expect(await page.textContent('#count')).toBe('显示 1 / 58 个项目');
    const visible = page.locator('tbody.project:not([hidden]) tr.summary td:first-child');
    expect(await visible.allTextContents()).toEqual(['深圳市互联网行业同心圆工程']);

    await visible.first().click();
    const detail = page.locator('tbody.project:not([hidden]) tr.detail');
    await expect.poll(() => detail.isVisible()).toBe(true);
    expect(await detail.locator('tr.shortfall').count()).toBe(4);
    expect(await detail.locator('tr.shortfall.full-marks').count()).toBe(3); // drawn apart from the one that lost points
    expect(await detail.locator('tr.shortfall.lost-points').count()).toBe(1);
    expect(await detail.textContent()).toContain(`corpus/${DOCS.wangxin}，第 214–246 行`);
    expect(await detail.textContent()).toContain('level_weight_mismatch');

    await page.fill('#search', '');
    expect(await page.textContent('#count')).toBe('显示 58 / 58 个项目');
    const budgetHeader = page.locator('#project-table > thead th', { hasText: '全年预算' });
    await budgetHeader.click(); // ascending
    await budgetHeader.click(); // descending
    const firstBudget = await page.locator('tbody.project tr.summary').first().locator('td').nth(3).textContent();
    expect(firstBudget).toBe('22,924,400.00');
    const scoreHeader = page.locator('#project-table > thead th', { hasText: '自评总分' });
    await scoreHeader.click();
    const lowest = await page.locator('tbody.project tr.summary').first().locator('td').nth(5).textContent();
    expect(lowest).toBe('0.00');
    const withdrawn = await page.locator('tbody.project tr.summary').first().locator('td').nth(4).textContent();
    expect(withdrawn).toBe('预算撤回'); // 总分 0 with its budget withdrawn: said, not shown as 0.00%

    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: false });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    expect(requests).toEqual([]);
    await page.close();
  }, 60_000);

  it('brings its own Chinese font, for a machine that has none', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(pathToFileURL(reportPath).href);
    // The browser loads the inline font for Chinese text.
    expect(await page.evaluate(async () => (await document.fonts.load('16px "zipin CJK"', '执行率')).map((f) => f.status))).toEqual(['loaded']);
    // It holds every character the page shows: GB2312's (assets/fonts/make-font.py), ASCII, full-width forms, CJK punctuation, a few symbols.
    const gb2312 = new Set<string>();
    const gbk = new TextDecoder('gbk');
    for (let b1 = 0xa1; b1 < 0xf8; b1++) for (let b2 = 0xa1; b2 < 0xff; b2++) gb2312.add(gbk.decode(new Uint8Array([b1, b2])));
    const covered = (c: string) => gb2312.has(c) || /[\x20-\x7e\uff01-\uff5e\u3000-\u301f\s≥≤≈±×÷—–…·•▲▼⇆↘■★☆%‰¥￥]/.test(c);
    const shown = await page.evaluate(() => document.body.innerText);
    expect([...new Set(shown)].filter((c) => !covered(c))).toEqual([]);
    await page.close();
  }, 60_000);

  it('lays its panels out level, labels off the data, and a department\'s years in a chart', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(pathToFileURL(reportPath).href);
    // The three department panels: each drawing starts as far below its panel's top, whatever the
    // title's length — also when one title wraps onto a second line (made so here: how a title
    // wraps depends on the fonts the machine has).
    const offsets = () => page.locator('#departments figure').evaluateAll((figures) => figures.map((f) =>
      Math.round(f.querySelector('svg')!.getBoundingClientRect().top - f.getBoundingClientRect().top)));
    expect(new Set(await offsets()).size).toBe(1);
    const caption = page.locator('#departments figcaption').nth(2);
    const lines = () => caption.evaluate((c) => {
      const range = document.createRange();
      range.selectNodeContents(c);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    });
    expect(await lines()).toBe(1);
    await caption.evaluate((c) => { c.textContent = `${c.textContent} ${'未达标指标 shortfalls still given full marks '.repeat(3)}`; });
    expect(await lines()).toBe(2);
    expect(new Set(await offsets()).size).toBe(1);
    // No scatter's corner label covers a dot.
    const overlaps = await page.locator('#scores svg').evaluateAll((svgs) => svgs.flatMap((svg) => {
      const label = svg.querySelector('.corner-label')!.getBoundingClientRect();
      return [...svg.querySelectorAll('circle')].map((c) => c.getBoundingClientRect())
        .filter((d) => d.left < label.right && d.right > label.left && d.top < label.bottom && d.bottom > label.top);
    }).length);
    expect(overlaps).toBe(0);
    // 深圳市政务服务数据管理局 has forms of 2021 (000, inferred) and 2022 (002): its years as bars.
    const years = page.locator('svg[aria-label="深圳市政务服务数据管理局：逐年执行率"]');
    expect(await years.locator('rect title').allTextContents()).toEqual([expect.stringMatching(/^2021 年: \d+\.\d\d% · 均分/), expect.stringMatching(/^2022 年: 96\.74% · 均分 99\.02 · 6 项$/)]);
    await page.close();
  }, 60_000);

  it('is readable at phone width: nothing wider than the screen but the scrolling tables, which say they scroll', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
    await page.goto(pathToFileURL(reportPath).href);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const chartWidth = await page.locator('#score-chart svg').evaluate((e) => e.getBoundingClientRect().width);
    expect(chartWidth).toBeLessThanOrEqual(390);
    // A table wider than the phone says it scrolls, one that fits says nothing; the project table is
    // wider. (Once the fonts are in: a machine without Chinese ones lays the tables out again with the page's.)
    await page.evaluate(() => document.fonts.ready);
    const overflows = (table: string) => page.locator(table).locator('xpath=..').evaluate((e) => e.scrollWidth > e.clientWidth);
    const hinted = (table: string) => page.locator(table).locator('xpath=../preceding-sibling::p[1]').isVisible();
    expect(await overflows('#project-table')).toBe(true);
    for (const table of ['#project-table', '#year-table']) expect(await hinted(table), table).toBe(await overflows(table));
    await page.screenshot({ path: join(dir, 'report-phone.png') });
    await page.close();
  }, 60_000);
});
