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
    expect(html).not.toMatch(/@import|url\(/);
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
    // Three department bar charts, the project scatter, and one small scatter per department.
    expect(await page.locator('svg[role="img"]').count()).toBe(8);
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

  it('is readable at phone width: nothing wider than the screen but the scrolling tables', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
    await page.goto(pathToFileURL(reportPath).href);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const chartWidth = await page.locator('#score-chart svg').evaluate((e) => e.getBoundingClientRect().width);
    expect(chartWidth).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(dir, 'report-phone.png') });
    await page.close();
  }, 60_000);
});
