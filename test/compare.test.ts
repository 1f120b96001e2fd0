import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { compare } from '../src/query/compare.js';
import { sqliteReader } from '../src/store/reader.js';
import { Store } from '../src/store/store.js';
import { PACKAGE_ROOT } from '../src/version.js';
import { buildCorpusDb, tempDir } from './helpers.js';

const dbPath = join(tempDir(), 'zipin.sqlite');
let db: Database.Database;

beforeAll(async () => {
  await buildCorpusDb(dbPath);
  db = new Database(dbPath, { readonly: true });
});

const rowsOf = async (by: 'department' | 'unit' | 'year', sort: 'rate' | 'score' | 'gap' = 'rate', year?: number) =>
  (await compare(sqliteReader(db), { by, sort, ...(year === undefined ? {} : { year }) })).rows;
const byGroup = async (group: string) => (await rowsOf('department')).find((r) => r.group === group)!;

describe('compare (figures checked by hand against the source documents)', () => {
  it('深圳市规划和自然资源局: 8 projects, all money spent, 4 short-falls none with full marks', async () => {
    // Σ 全年预算数 = 1454200 + 417935.14 + 1199813.57 + 3843597 + 3616591.48 + 1414709 + 3180102 + 3240000
    // 总分: 100, 98, 100, 100, 100, 97, 100, 100. Short-falls: 巡检服务 12次→10次 (9/10),
    // 满意度 100%→98% (19/20), 软件运维及时性 90%→81% (9/10), 用户满意度 100%→90% (18/20).
    expect(await byGroup('深圳市规划和自然资源局')).toEqual({
      group: '深圳市规划和自然资源局', projects: 8, withdrawn: 0, fallback_projects: 0, budget_yuan: 18366948.19, executed_yuan: 18366948.19,
      execution_rate: 1, mean_score: 99.38, min_score: 97, shortfall_indicators: 4, shortfall_full_marks: 0, shortfall_full_marks_share: 0,
      low_confidence_share: 0,
    });
  });

  it('0101011: 11 projects; 5 of its 6 short-falling indicators still scored full marks', async () => {
    // Short-falls: 年接待次数 ≥30次→27次 (15/15); 门亭安保改造完工验收通过率 100%→80% (5/5); 同心圆工程
    // 网络公益活动次数 13次→10次 (5/5), 阵地建设个数 2个→1个 (3/3), 互联网行业培训次数 18次→10次 (3/3),
    // 构建互联网行业自律体系完成率 100%→98% (2/5). Executed 66419086.47 of 67346565.00. Its 主管部门 is
    // printed as a code.
    expect(await byGroup('0101011')).toEqual({
      group: '0101011', projects: 11, withdrawn: 0, fallback_projects: 0, budget_yuan: 67346565, executed_yuan: 66419086.47,
      execution_rate: 0.986228, mean_score: 98.64, min_score: 94.3, shortfall_indicators: 6, shortfall_full_marks: 5,
      shortfall_full_marks_share: 0.8333, low_confidence_share: 0,
    });
  });

  it('大鹏新区: three withdrawn budgets counted apart, out of the mean; a target <2小时 met by <2小时 is no short-fall', async () => {
    // 公务接待费, 新区对口支援专项资金, 预算准备金: 年初预算 > 0, 全年预算 0.00, 总分 0. The other 21 总分
    // add up to 2066.16: mean 98.39 (was 86.09 with the zeros). Its one short-fall: 接入网络设备数量 ≥80台→51台 (5/5).
    expect(await byGroup('深圳市大鹏新区政务服务数据管理局')).toMatchObject({
      projects: 24, withdrawn: 3, mean_score: 98.39, min_score: 70, shortfall_indicators: 1, shortfall_full_marks: 1,
    });
    const withdrawn = db.prepare(`SELECT e.project_name, f.message, e.confidence FROM flags f JOIN evaluations e ON e.id = f.evaluation_id
      WHERE f.code = 'budget_withdrawn' ORDER BY e.project_name`).all() as Array<{ project_name: string; message: string; confidence: string }>;
    expect(withdrawn.map((w) => [w.project_name, w.confidence])).toEqual([
      ['公务接待费', 'medium'], ['新区对口支援专项资金', 'medium'], ['预算准备金', 'medium'],
    ]);
    expect(withdrawn[0]!.message).toMatch(/^年初预算数 \d+\.\d\d 元 but 全年预算数 0\.00 元: the budget was withdrawn/);
    const lessThan = db.prepare("SELECT judgement, why FROM judgements WHERE target = '<2小时' AND actual = '<2小时'").get();
    expect(lessThan).toEqual({ judgement: 'met', why: 'actual <2小时 lies within target <2小时' });
  });

  it('the shortfalls view names exactly the 14 short-falls read off the forms, and compare counts them', async () => {
    const listed = db.prepare(`SELECT coalesce(e.supervising_dept, e.budget_unit) AS dept, s.name, s.target, s.actual, s.full_marks
      FROM shortfalls s JOIN evaluations e ON e.id = s.evaluation_id ORDER BY dept, s.name`).all();
    expect(listed).toEqual([
      { dept: '0101011', name: '互联网行业培训次数', target: '18次', actual: '10次', full_marks: 1 },
      { dept: '0101011', name: '年接待次数', target: '≥30次', actual: '27次', full_marks: 1 },
      { dept: '0101011', name: '构建互联网行业自律体系完成率', target: '100%', actual: '98%', full_marks: 0 },
      { dept: '0101011', name: '网络公益活动次数', target: '13次', actual: '10次', full_marks: 1 },
      { dept: '0101011', name: '门亭安保改造完工验收通过率', target: '100%', actual: '80%', full_marks: 1 },
      { dept: '0101011', name: '阵地建设个数', target: '2个', actual: '1个', full_marks: 1 },
      { dept: '深圳市大鹏新区政务服务数据管理局', name: '接入网络设备数量', target: '≥80台', actual: '51台', full_marks: 1 },
      { dept: '深圳市政务服务数据管理局', name: '发放白皮书的党政机关数量', target: '78家', actual: '69家', full_marks: 1 },
      { dept: '深圳市政务服务数据管理局', name: '数据中心、光', target: '100%', actual: '86.67%', full_marks: 0 },
      { dept: '深圳市政务服务数据管理局', name: '系统或项目检测', target: '100%', actual: '97.55%', full_marks: 0 },
      { dept: '深圳市规划和自然资源局', name: '、巡检报告、满意度调查表', target: '100%', actual: '98%', full_marks: 0 },
      { dept: '深圳市规划和自然资源局', name: '巡检服务', target: '12次', actual: '10次', full_marks: 0 },
      { dept: '深圳市规划和自然资源局', name: '用户满意度', target: '100%', actual: '90%', full_marks: 0 },
      { dept: '深圳市规划和自然资源局', name: '软件运维及时性', target: '90%', actual: '81%', full_marks: 0 },
    ]);
    const rows = await rowsOf('department');
    expect(rows.reduce((n, r) => n + r.shortfall_indicators, 0)).toBe(14);
    expect(rows.reduce((n, r) => n + r.shortfall_full_marks, 0)).toBe(7);
    expect((db.prepare('SELECT count(*) AS n FROM shortfalls WHERE full_marks = 1').get() as { n: number }).n).toBe(7);
  });

  it('groups 2022-style forms (no 主管部门) under their 一级预算单位, and sorts by execution rate', async () => {
    expect((await rowsOf('department')).map((r) => [r.group, r.projects, r.fallback_projects])).toEqual([
      ['深圳市政务服务数据管理局', 15, 6], ['0101011', 11, 0], ['深圳市大鹏新区政务服务数据管理局', 24, 0], ['深圳市规划和自然资源局', 8, 0],
    ]);
    expect((await byGroup('深圳市政务服务数据管理局')).low_confidence_share).toBe(0.0667); // the #REF! form
    const units = await compare(sqliteReader(db), { by: 'unit', sort: 'rate' });
    expect([units.fallback, units.evaluations]).toEqual([28, 58]); // 28 forms name no 实施单位
  });

  it('filters by year and groups by year, in year order whatever --sort', async () => {
    // Every form has a year (003's inferred 2020, 000's and 001's 2021: test/years.test.ts). Mean 总分 of the
    // forms not withdrawn: 2020 (003) 795 / 8 = 99.375; 2021 (000 792.08 over 8 scored, one #REF!; 001 1085 / 11;
    // 004 2066.16 / 21) 3943.24 / 40 = 98.581; 2022 594.14 / 6 = 99.0233.
    for (const sort of ['score', 'rate', 'gap'] as const) {
      expect((await rowsOf('year', sort)).map((r) => [r.group, r.projects, r.mean_score])).toEqual([
        ['2020', 8, 99.38], ['2021', 44, 98.58], ['2022', 6, 99.02],
      ]);
    }
    expect((await rowsOf('department', 'rate', 2022)).map((r) => [r.group, r.projects])).toEqual([['深圳市政务服务数据管理局', 6]]);
    expect(await compare(sqliteReader(db), { by: 'department', sort: 'rate', year: 2030 })).toMatchObject({ rows: [], years: [2020, 2021, 2022] });
  });
});

describe('the judgements view: actual and target as intervals', () => {
  const judge = (target: [string, number], actual: [string | null, number], units: [string | null, string | null] = ['小时', '小时']) => {
    const store = new Store(':memory:');
    const doc = store.db.prepare("INSERT INTO documents (source, extracted_at, pipeline_version, status) VALUES ('t', '', '', 'ok')").run().lastInsertRowid;
    const e = store.db.prepare("INSERT INTO evaluations (document_id, block_index, money_unit, line_start, line_end, confidence) VALUES (?, 0, '元', 1, 1, 'high')").run(doc).lastInsertRowid;
    store.db.prepare(`INSERT INTO indicators (evaluation_id, seq, target, target_op, target_value, target_unit, actual, actual_op, actual_value, actual_unit, weight, score, line)
      VALUES (?, 1, 't', ?, ?, ?, 'a', ?, ?, ?, 10, 10, 1)`).run(e, target[0], target[1], units[0], actual[0], actual[1], units[1]);
    const row = store.db.prepare('SELECT judgement FROM judgements').get() as { judgement: string } | undefined;
    store.close();
    return row?.judgement ?? 'not judged';
  };
  it.each([
    [['≥', 30], ['=', 27], 'short'], [['≥', 30], ['=', 30], 'met'], [['>', 30], ['=', 30], 'short'], [['=', 100], ['=', 98], 'short'],
    [['≤', 2], ['=', 1.5], 'met'], [['<', 3], ['=', 3], 'short'], [['<', 2], ['<', 2], 'met'], [['≤', 2], ['<', 2], 'met'],
    [['<', 2], ['≤', 2], 'undetermined'], [['≥', 95], ['≥', 95], 'met'], [['≥', 95], ['≥', 90], 'undetermined'],
    [['≥', 95], ['<', 95], 'short'], [['≤', 2], ['>', 2], 'short'], [['≤', 2], ['≥', 2], 'undetermined'], [['≈', 2], ['=', 2], 'not judged'],
  ] as const)('target %j, actual %j: %s', (target, actual, expected) => {
    expect(judge([...target], [...actual])).toBe(expected);
  });
  it('does not judge different units', async () => {
    expect(judge(['≥', 30], ['=', 27], ['次', '个'])).toBe('not judged');
  });
});

describe('zipin compare on the command line', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [join(PACKAGE_ROOT, 'dist/src/cli/main.js'), 'compare', '--db', dbPath, ...args], { encoding: 'utf8' });

  it('prints JSON with exactly the documented keys', async () => {
    const r = run('--format', 'json', '--sort', 'gap');
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(Object.keys(rows[0]!)).toEqual(['group', 'projects', 'withdrawn', 'fallback_projects', 'budget_yuan', 'executed_yuan',
      'execution_rate', 'mean_score', 'min_score', 'shortfall_indicators', 'shortfall_full_marks', 'shortfall_full_marks_share', 'low_confidence_share']);
    expect(rows.map((x) => x.group)).toEqual(['深圳市大鹏新区政务服务数据管理局', '0101011', '深圳市政务服务数据管理局', '深圳市规划和自然资源局']);
  });

  it('prints an aligned table with Chinese text measured as two columns', async () => {
    const screenWidth = (text: string) => [...text].reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
    const lines = run().stdout.split('\n\n')[0]!.trimEnd().split('\n').filter((l) => !l.startsWith('─'));
    expect(lines).toHaveLength(5);
    // Where the right-aligned 项目数 column ends, in screen columns, on the header and on every row.
    const ends = lines.map((l) => screenWidth(/^(.+?)\s+(项目数|\d+)(?=\s)/.exec(l)![0]));
    expect(new Set(ends).size).toBe(1);
  });

  it('prints CSV without a BOM: the next tool in a pipe sees the column named group (files for Excel get one: export)', async () => {
    const r = run('--format', 'csv');
    expect(r.stdout.startsWith('group,projects,withdrawn,fallback_projects,budget_yuan')).toBe(true);
    const parsed = Papa.parse<Record<string, string>>(r.stdout.trim(), { header: true });
    expect(parsed.data.find((x) => x.group === '0101011')!.budget_yuan).toBe('67346565');
  });

  it('says under the table what the columns leave out and which rows are grouped by the fallback column', async () => {
    const r = run('--by', 'unit');
    expect(r.stdout).toContain('满分占比');
    expect(r.stdout).toContain('*N: 28 of 58 forms name no 实施单位: grouped under their 主管部门 (or 一级预算单位)');
    expect(r.stdout).toMatch(/深圳市规划和自然资源局 \*8\s+8\s+0\s/);
    expect(r.stdout).toMatch(/\s98\.39\s+70\.00\s/); // two decimals
  });

  it('says when --year matches nothing, and which years there are', async () => {
    const r = run('--year', '2030');
    expect([r.status, r.stdout, r.stderr]).toEqual([1, '', 'zipin: compare: no evaluations of 2030 in the dataset (years there: 2020, 2021, 2022)\n']);
  });

  it('refuses a bad option value and a missing database', async () => {
    expect(run('--by', 'colour').status).toBe(2);
    const missing = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'dist/src/cli/main.js'), 'compare', '--db', join(tempDir(), 'none.sqlite')], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no database at');
  });
  it('--list names the departments with their forms and units; --format json gives them as data', () => {
    const r = run('--list', '--format', 'json');
    expect(r.status).toBe(0);
    const all = JSON.parse(r.stdout) as Array<{ department: string; forms: number; units: number }>;
    expect(all.reduce((n, d) => n + d.forms, 0)).toBe(58);
    expect(all.find((d) => d.department === '深圳市大鹏新区政务服务数据管理局')).toMatchObject({ forms: 24 });
    expect(run('--list').stdout).toContain('深圳市大鹏新区政务服务数据管理局');
  });

  it('--department takes a part of a name, says which department it means, and gives that department\'s rows', () => {
    const part = run('--department', '大鹏', '--format', 'json');
    expect(part.status).toBe(0);
    expect(part.stderr).toBe('zipin: compare: --department "大鹏" is 深圳市大鹏新区政务服务数据管理局\n');
    expect(part.stdout).toBe(run('--department', '深圳市大鹏新区政务服务数据管理局', '--format', 'json').stdout);
    const several = run('--department', '深圳市');
    expect(several.status).toBe(1);
    expect(several.stderr).toMatch(/^zipin: compare: "深圳市" is part of \d+ departments' names: 深圳市.*; name one of them\n$/);
    const none = run('--department', '不存在的局');
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/^zipin: compare: no department's name holds "不存在的局"; departments there: .*深圳市大鹏新区政务服务数据管理局 \(24\).*\(compare --list names them all\)\n$/);
  });
  it('the docs\' year-over-year query gives the figures compare gives (withdrawn budgets left out of rates and scores)', async () => {
    const readme = readFileSync(join(PACKAGE_ROOT, 'docs', 'queries.md'), 'utf8');
    const sql = /```sql\n(SELECT p\.department, p\.year[\s\S]*?)```/.exec(readme)![1]!;
    const d = new Database(dbPath, { readonly: true });
    const rows = d.prepare(sql).all() as Array<{ department: string; year: number | null; mean_score: number; execution_rate: number }>;
    d.close();
    const dapeng = JSON.parse(run('--by', 'year', '--department', '深圳市大鹏新区政务服务数据管理局', '--format', 'json').stdout) as Array<{ group: string; mean_score: number; execution_rate: number }>;
    const mine = rows.find((r) => r.department === '深圳市大鹏新区政务服务数据管理局' && r.year === 2021)!;
    expect([mine.mean_score, mine.execution_rate]).toEqual([dapeng[0]!.mean_score, Number(dapeng[0]!.execution_rate.toFixed(4))]);
    expect(mine.mean_score).toBe(98.39);
  });
});
