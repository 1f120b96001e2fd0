import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractText } from '../src/extract/text.js';
import { segment } from '../src/segment/segment.js';
import { whyNoForm } from '../src/segment/why.js';
import { corpusFile, DOCS, queryDb, tempDir, zipinAsync } from './helpers.js';

const blocksOf = (name: string) => segment(extractText(readFileSync(corpusFile(name))));

describe('segment', () => {
  it.each([
    [DOCS.shuju, 9], [DOCS.wangxin, 11], [DOCS.juesuan, 6], [DOCS.guihua, 8], [DOCS.dapeng, 24],
  ])('finds every block of %s', (name, count) => {
    expect(blocksOf(name)).toHaveLength(count);
  });

  it('takes none of the 部门决算 tables around the forms', () => {
    const blocks = blocksOf(DOCS.juesuan);
    // The six forms sit between lines 535 and 705; tables and text fill lines 1–534.
    expect(blocks.map((b) => [b.rows[0]!.line, b.rows.at(-1)!.line])).toEqual([
      [535, 559], [561, 585], [587, 610], [612, 642], [644, 671], [673, 705],
    ]);
  });

  it('reads "2021年…项目自评表" headings, with or without 附件1, and stops before 填报说明', () => {
    const blocks = blocksOf(DOCS.dapeng);
    expect(blocks[0]!.title).toBe('2021年大厅运营事务项目自评表');
    expect(blocks[0]!.headingYear).toBe(2021);
    expect(blocks[0]!.rows.at(-1)!.cells[0]).toBe('总分');
    expect(blocks[1]!.title).toBe('2021年大厅管理事务项目自评表'); // no 附件1 before it
    expect(blocks[11]!.title).toBe('2021年信息技术服务自评表');
    expect(blocks.every((b) => b.rows.every((r) => !r.cells.some((c) => c.startsWith('填报说明'))))).toBe(true);
  });

  it('ends a block at its 总分 row', () => {
    const [first] = blocksOf(DOCS.shuju);
    expect(first!.rows[0]!.line).toBe(3);
    expect(first!.rows.at(-1)!.line).toBe(26);
  });

  it('opens a form that has no heading at its 项目名称 row', () => {
    const text = ['项目名称\t甲项目\t项目金额\t100', '总分\t\t100\t90', '', '项目名称\t乙项目\t项目金额\t200', '总分\t\t100\t95'].join('\n');
    const blocks = segment(extractText(Buffer.from(text)));
    expect(blocks.map((b) => [b.title, b.rows[0]!.line])).toEqual([[null, 1], [null, 4]]);
  });
});

describe('a document that gives no form says why', () => {
  const why = (text: string) => whyNoForm(extractText(Buffer.from(text)));

  it('a 部门决算 report: the tables it holds instead, by their titles', () => {
    const report = '2022年度部门决算\n收入支出决算总表\n项目\t金额\n一般公共预算财政拨款收入\t100\n支出合计\t100\n';
    const reason = why(report);
    expect(reason).toMatch(/^no form found: looked for a 自评表 heading with a 项目名称 or 项目编码 row under it; found /);
    expect(reason).toContain('zipin inspect --draw');
  });

  it('a heading without its form under it is named, with where it stands', () => {
    expect(why('说明\n2022年度项目支出绩效自评表\n（见附件）\n')).toContain('found the heading "2022年度项目支出绩效自评表" (line 2) without a form under it');
  });

  it('zipin inspect and extract --verbose say it; the document row keeps it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'report.txt'), '说明\n2022年度项目支出绩效自评表\n（见附件）\n');
    const inspect = await zipinAsync(['inspect', join(dir, 'report.txt')]);
    expect(inspect.stdout).toContain('no_blocks — no form found: looked for a 自评表 heading');
    const db = join(dir, 'z.sqlite');
    const extract = await zipinAsync(['extract', dir, '--db', db, '--verbose']);
    expect(extract.stderr).toContain(`zipin: extract: ${join(dir, 'report.txt')}: no form found: looked for`);
    expect(String(queryDb(db, 'SELECT error FROM documents')[0]!.error)).toContain('without a form under it');
  }, 60_000);
});
