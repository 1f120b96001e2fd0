import { describe, expect, it } from 'vitest';
import { fundingColumn, fundingLine, indicatorColumn, normalizeHeader } from '../src/form/columns.js';
import { nearestLabel } from '../src/form/labels.js';
import { goalHeading, moneyUnitIn } from '../src/form/vocabulary.js';

describe('headers read by meaning', () => {
  it('normalises a header cell: whitespace, stars, bracketed units, letters and formulas go', () => {
    expect(['年初预算数\n（元）', '★ 全年执行数(B)', '执行率(B/A)', '得分(20分*执行率)', '分 值', '实际完成指标值(B)：'].map(normalizeHeader))
      .toEqual(['年初预算数', '全年执行数', '执行率', '得分', '分值', '实际完成指标值']);
  });

  it.each([
    ['一级指标', 'level1'], ['二级指标', 'level2'], ['三级指标', 'name'], ['指标名称', 'name'],
    ['年度指标值', 'target'], ['预期指标值(A)', 'target'], ['年初目标值(A)', 'target'], ['指标值', 'target'], ['绩效目标', 'target'],
    ['实际完成值', 'actual'], ['实际完成指标值(B)', 'actual'], ['完成值', 'actual'], ['全年实际值', 'actual'],
    ['分值', 'weight'], ['权重', 'weight'], ['得分', 'score'], ['得分计算方法', 'method'],
    ['偏差原因分析及改进措施', 'deviation'], ['未完成原因分析', 'deviation'], ['未完成原因', 'deviation'],
    ['指标性质', 'targetNature'], ['度量单位', 'targetUnit'], ['计量单位', 'targetUnit'],
    ['备注', null], ['年度绩效指标', null],
  ])('indicator column %s → %s', (cell, column) => expect(indicatorColumn(cell)).toBe(column));

  it.each([
    ['年初预算数', 'initial'], ['年初预算', 'initial'], ['年初预算数(A)', 'initial'], ['全年预算数', 'fullYear'], ['调整后预算数', 'fullYear'],
    ['全年预算数（元）', 'fullYear'], ['全年执行数', 'executed'], ['预算执行数', 'executed'], ['全年执行数(B)', 'executed'],
    ['执行率', 'rate'], ['预算执行率', 'rate'], ['执行率(B/A)', 'rate'], ['执行率 (%)', 'rate'], ['分值', 'weight'], ['权重', 'weight'],
    ['得分', 'score'], ['得分(20分*执行率)', 'score'], ['原因', 'deviation'], ['项目资金（万元）', null],
  ])('funding column %s → %s', (cell, column) => expect(fundingColumn(cell)).toBe(column));

  it.each([
    ['年度资金总额', 'total'], ['年度财政资金总额', 'total'], ['总额', 'total'], ['合计', 'total'],
    ['其中：当年财政拨款', 'appropriation'], ['财政拨款', 'appropriation'], ['其中：财政资金', 'appropriation'],
    ['财政专户管理资金', 'special'], ['单位资金', 'unit'], ['上年结转资金', 'carryover'], ['其他资金', 'other'], ['项目名称', null],
  ])('funding line %s → %s', (cell, line) => expect(fundingLine(cell)).toBe(line));

  it('tells the expected goal from the actual by 目标 and 完成', () => {
    expect(['预期目标', '年初设定目标', '实际完成情况', '目标实际完成情况', '全年实际完成情况', '年度总体目标', '项目名称'].map(goalHeading))
      .toEqual(['expected', 'expected', 'actual', 'actual', 'actual', null, null]);
  });

  it('reads the money unit wherever a label prints it, never from a value', () => {
    expect(['项目资金 （万元）', '项目资金\n(元)', '单位：万元', '金额单位：万元', '全年预算数（万元）', '万元', '≤118万元', '596.74万'].map(moneyUnitIn))
      .toEqual(['万元', '元', '万元', '万元', '万元', '万元', null, null]);
  });
});

describe("a scanned cell's reading matched against the form's labels", () => {
  it.each([
    ['-级指标', '一级指标'], ['预期自标', '预期目标'], ['项自名称', '项目名称'], ['效盘指标', '效益指标'], ['产指标(50分)', '产出指标(50分)'],
    ['产出指标(50别', '产出指标(50分)'], ['“质量指标', '质量指标'], ['数量指标.', '数量指标'], ['部门颜算项目支出绩效自评表', '部门预算项目支出绩效自评表'],
  ])('%s is the label %s', (reading, label) => {
    expect(nearestLabel(reading)).toBe(label);
  });

  it.each([
    ['产出指标（50分)', 'a label already, its points readable'], ['社会效益', "a 2022-style label"], ['服务对象满意度指标等', 'what the form prints (no character read is dropped)'],
    ['实际完成情', 'as near to 实际完成值 as to 实际完成情况'], ['资金情况完)', 'too far from 资金情况（万元）'], ['数量', 'too short to match'],
    ['日常养护里程', 'free text'], ['工作质量', 'free text'],
  ])('%s is left as read: %s', (reading) => {
    expect(nearestLabel(reading)).toBeNull();
  });
});
