import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { compare } from '../src/query/compare.js';
import { fallsShort } from '../src/query/shortfall.js';
import { PACKAGE_ROOT } from '../src/version.js';
import { buildCorpusDb, tempDir } from './helpers.js';

const dbPath = join(tempDir(), 'zipin.sqlite');
let db: Database.Database;

beforeAll(async () => {
  await buildCorpusDb(dbPath);
  db = new Database(dbPath, { readonly: true });
});

const byGroup = (group: string) => compare(db, { by: 'department', sort: 'rate' }).find((r) => r.group === group)!;

describe('compare (figures checked by hand against the source documents)', () => {
  it('深圳市规划和自然资源局: 8 projects, all money spent, 4 short-falls none with full marks', () => {
    // Σ 全年预算数 = 1454200 + 417935.14 + 1199813.57 + 3843597 + 3616591.48 + 1414709 + 3180102 + 3240000
    // 总分: 100, 98, 100, 100, 100, 97, 100, 100. Short-falls: 巡检服务 12次→10次 (9/10),
    // 满意度 100%→98% (19/20), 软件运维及时性 90%→81% (9/10), 用户满意度 100%→90% (18/20).
    expect(byGroup('深圳市规划和自然资源局')).toEqual({
      group: '深圳市规划和自然资源局', projects: 8, budget_yuan: 18366948.19, executed_yuan: 18366948.19, execution_rate: 1,
      mean_score: 99.375, min_score: 97, shortfall_indicators: 4, shortfall_full_marks_share: 0, low_confidence_share: 0,
    });
  });

  it('0101011: 11 projects; 5 of its 6 short-falling indicators still scored full marks', () => {
    // Short-falls: 年接待次数 ≥30次→27次 (15/15); 门亭安保改造完工验收通过率 100%→80% (5/5); 同心圆工程
    // 网络公益活动次数 13次→10次 (5/5), 阵地建设个数 2个→1个 (3/3), 互联网行业培训次数 18次→10次 (3/3),
    // 构建互联网行业自律体系完成率 100%→98% (2/5). Executed 66419086.47 of 67346565.00.
    expect(byGroup('0101011')).toEqual({
      group: '0101011', projects: 11, budget_yuan: 67346565, executed_yuan: 66419086.47, execution_rate: 0.986228,
      mean_score: 98.6364, min_score: 94.3, shortfall_indicators: 6, shortfall_full_marks_share: 0.8333, low_confidence_share: 0,
    });
  });

  it('groups 2022-style forms (no 主管部门) under their 一级预算单位, and sorts by execution rate', () => {
    const rows = compare(db, { by: 'department', sort: 'rate' });
    expect(rows.map((r) => [r.group, r.projects])).toEqual([
      ['深圳市政务服务数据管理局', 15], ['0101011', 11], ['深圳市大鹏新区政务服务数据管理局', 24], ['深圳市规划和自然资源局', 8],
    ]);
    expect(byGroup('深圳市政务服务数据管理局').low_confidence_share).toBe(0.0667); // the #REF! form
  });

  it('filters by year and groups by year', () => {
    // Mean 总分: 2022 forms 594.14 / 6 = 99.0233; forms without a year 2672.08 / 27 = 98.9659 (one #REF!); 2021: 86.09.
    expect(compare(db, { by: 'year', sort: 'score' }).map((r) => [r.group, r.projects, r.mean_score])).toEqual([
      ['2022', 6, 99.0233], ['(unknown)', 28, 98.9659], ['2021', 24, 86.09],
    ]);
    expect(compare(db, { by: 'department', year: 2022, sort: 'rate' }).map((r) => [r.group, r.projects])).toEqual([['深圳市政务服务数据管理局', 6]]);
  });

  it('judges short-falls only where target and actual are comparable', () => {
    const base = { target_op: '≥', target_value: 30, target_unit: '次', actual_op: '=', actual_value: 27, actual_unit: '次' };
    expect(fallsShort(base)).toBe(true);
    expect(fallsShort({ ...base, actual_value: 30 })).toBe(false);
    expect(fallsShort({ ...base, actual_unit: null })).toBeNull();
    expect(fallsShort({ ...base, target_op: '≤', target_value: 2, actual_value: 1.5 })).toBe(false);
    expect(fallsShort({ ...base, target_op: '<', target_value: 3, actual_value: 3 })).toBe(true);
    expect(fallsShort({ ...base, target_op: '≈' })).toBeNull();
  });
});

describe('zipin compare on the command line', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [join(PACKAGE_ROOT, 'dist/src/cli/main.js'), 'compare', '--db', dbPath, ...args], { encoding: 'utf8' });

  it('prints JSON with exactly the documented keys', () => {
    const r = run('--format', 'json', '--sort', 'gap');
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(Object.keys(rows[0]!)).toEqual(['group', 'projects', 'budget_yuan', 'executed_yuan', 'execution_rate', 'mean_score',
      'min_score', 'shortfall_indicators', 'shortfall_full_marks_share', 'low_confidence_share']);
    expect(rows.map((x) => x.group)).toEqual(['深圳市大鹏新区政务服务数据管理局', '0101011', '深圳市政务服务数据管理局', '深圳市规划和自然资源局']);
  });

  it('prints an aligned table with Chinese text measured as two columns', () => {
    const screenWidth = (text: string) => [...text].reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
    const lines = run().stdout.trimEnd().split('\n').filter((l) => !l.startsWith('─'));
    expect(lines).toHaveLength(5);
    // Where the right-aligned 项目数 column ends, in screen columns, on the header and on every row.
    const ends = lines.map((l) => screenWidth(/^(.+?)\s+(项目数|\d+)(?=\s)/.exec(l)![0]));
    expect(new Set(ends).size).toBe(1);
  });

  it('prints CSV with a BOM', () => {
    const r = run('--format', 'csv');
    expect(r.stdout.startsWith('\uFEFFgroup,projects,budget_yuan')).toBe(true);
    const parsed = Papa.parse<Record<string, string>>(r.stdout.slice(1).trim(), { header: true });
    expect(parsed.data.find((x) => x.group === '0101011')!.budget_yuan).toBe('67346565');
  });

  it('refuses a bad option value and a missing database', () => {
    expect(run('--by', 'colour').status).toBe(2);
    const missing = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'dist/src/cli/main.js'), 'compare', '--db', join(tempDir(), 'none.sqlite')], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no database at');
  });
});
