import { describe, expect, it } from 'vitest';
import { parseBlock } from '../src/parse/parse.js';
import { stripHtml } from '../src/parse/text.js';
import type { Block } from '../src/model/table.js';
import { DOCS, evaluationsOf, indicatorAt } from './helpers.js';

/** The text fields of an indicator, in form order. */
function cells(name: string, line: number) {
  const { indicator: i } = indicatorAt(name, line);
  return [i.level1, i.level1Points, i.level2, i.name, i.target, i.actual, i.weight, i.score, i.deviation];
}

function shiftFlags(name: string, line: number) {
  const { evaluation } = indicatorAt(name, line);
  return evaluation.flags.filter((f) => f.code === 'column_shift' && f.message.startsWith(`line ${line}:`));
}

describe('header', () => {
  it('reads the 2021 header rows', () => {
    const e = evaluationsOf(DOCS.shuju)[0]!;
    expect([e.title, e.projectName, e.projectAmountYuan, e.supervisingDept, e.implementingUnit]).toEqual(
      ['项目支出绩效自评表', '信息工程质量监督', 1261400, '深圳市政务服务数据管理局', null],
    );
    // It prints no year: 2021 is inferred (test/years.test.ts).
    expect([e.year, e.flags.filter((f) => f.code.startsWith('year_')).map((f) => f.code)]).toEqual([2021, ['year_inferred']]);
  });

  it('keeps a department code as printed', () => {
    expect(evaluationsOf(DOCS.wangxin)[0]!.supervisingDept).toBe('0101011');
  });

  it('reads the 2022 header rows (项目编码, 绩效自评年度, 一级预算单位)', () => {
    const e = evaluationsOf(DOCS.juesuan)[2]!;
    expect([e.projectCode, e.projectName, e.year, e.implementingUnit, e.budgetUnit, e.supervisingDept, e.projectAmountYuan]).toEqual(
      ['440300211311500021004', '政府网络运行维护', 2022, '深圳市大数据资源管理中心', '深圳市政务服务数据管理局', null, null],
    );
  });

  it('takes the year from a "2021年…" heading', () => {
    const e = evaluationsOf(DOCS.dapeng)[0]!;
    expect([e.year, e.projectName, e.implementingUnit]).toEqual([2021, '大厅运营事务', '深圳市大鹏新区政务服务数据管理局']);
  });

  it('reads a header row whose values are one column off (004 line 363)', () => {
    const e = evaluationsOf(DOCS.dapeng)[10]!;
    expect([e.projectName, e.projectAmountYuan, e.supervisingDept]).toEqual(['政务服务事务', 3777800, '深圳市大鹏新区政务服务数据管理局']);
  });
});

describe('goals', () => {
  it('strips HTML residue and flags it', () => {
    const e = evaluationsOf(DOCS.guihua)[2]!;
    expect(e.goalExpected!.startsWith('本项目主要结合我局信息系统运行现状')).toBe(true);
    expect(e.goalExpected).not.toContain('<p>');
    expect(e.flags.filter((f) => f.code === 'html_stripped')).toHaveLength(2);
  });

  it('reads goals whose label sits on the content row (002 line 599)', () => {
    const e = evaluationsOf(DOCS.juesuan)[2]!;
    expect(e.goalExpected).toBe('满足本年度市级政务网互联网出口统一建设,支撑政务部门网上办公和通过互联网服务社会等工作需求。');
    expect(e.goalActual!.startsWith('完成本年度市级政务外网互联网出口统一建设工作')).toBe(true);
  });

  it('keeps truncated goal text as printed', () => {
    expect(evaluationsOf(DOCS.shuju)[0]!.goalActual).toBe('用于的报销；开展人次技术人员专业知识和技能培训；租用');
  });
});

describe('indicator rows put back in their true columns', () => {
  it('a level-2 label in the 三级指标 column, row missing its last cell (000 line 47)', () => {
    expect(cells(DOCS.shuju, 47)).toEqual(['产出指标', null, '时效指标', '完成验收检测', '具备检测条件', '检测实施平均', 4, 4, null]);
    expect(shiftFlags(DOCS.shuju, 47)).toHaveLength(1);
  });

  it('满意度指标 slid into the 一级指标 column is a level-2 label (000 line 53)', () => {
    expect(cells(DOCS.shuju, 53)).toEqual(['效益指标', null, '满意度指标', '目标系统所属', '0', '0', 10, 10, '无偏差']);
  });

  it('an empty cell in the middle of the row (000 line 104)', () => {
    expect(cells(DOCS.shuju, 104)).toEqual(['产出指标', null, '时效指标', '报告及时性', '及时', '及时', 4, 4, '无偏差']);
  });

  it('a 生态效益指标 label in the first column (000 line 108)', () => {
    expect(cells(DOCS.shuju, 108)).toEqual(['效益指标', null, '生态效益指标', '不涉及', '不涉及', '不涉及', 0, 0, '不涉及']);
  });

  it('成本指标 in the 一级指标 column of a form whose levels carry points (001 line 44)', () => {
    expect(cells(DOCS.wangxin, 44)).toEqual(['产出指标', 50, '成本指标', '成本控制率', '≥95%', '100%', 5, 5, '无']);
  });

  it('满意度指标 in the first column stays under 效益指标 (40分) (001 line 22)', () => {
    expect(cells(DOCS.wangxin, 22)).toEqual(['效益指标', 40, '满意度指标', '接待满意度', '≥90%', '99%', 40, 40, '无']);
  });

  it('a name in the first column (001 line 77)', () => {
    expect(cells(DOCS.wangxin, 77)).toEqual(
      ['效益指标', 40, '社会效益指标', '网络评论引导', '充实正能量，平衡', '网络评论充实正能量，', 10, 10, '无'],
    );
  });

  it('rows shifted by one and by two (001 lines 116–118)', () => {
    expect(cells(DOCS.wangxin, 117)).toEqual(['效益指标', 40, '满意度指标', '属地网络监管专项检查效果',
      '重点排查清理政治类意识形态类等信息，确保 网络政治安全和意识形态安全', '网络环境得到改善，满意度大于95%', 5, 5, '无']);
    expect(cells(DOCS.wangxin, 118)).toEqual(['效益指标', 40, '满意度指标', '属地网络监管平台运行效果',
      '及时巡查发现、扫描预警各类有害信息', '平台运行效果得到改善，满意度大于90%', 10, 10, '无']);
  });

  it('two texts: the distance from 分值 tells which column is empty (001 line 72)', () => {
    expect(cells(DOCS.wangxin, 72)).toEqual(['产出指标', 50, '成本指标', null, '无', '无', 0, 0, '无']);
  });

  it('a label-only row is not an indicator but its labels carry down (001 lines 19–20)', () => {
    expect(() => indicatorAt(DOCS.wangxin, 19)).toThrow();
    expect(cells(DOCS.wangxin, 20)).toEqual(['效益指标', 40, '社会效益指标', '无', '无', '无', 0, 0, '无']);
  });

  it('2022 style: points in the level-1 cell, level-2 labels without 指标 (002 lines 549, 557–558)', () => {
    expect(cells(DOCS.juesuan, 549)).toEqual(['产出', 50, '数量', '企业数字证书退费申请响应率', '1', '100%', 12.5, 12.5, null]);
    expect(cells(DOCS.juesuan, 557)).toEqual(
      ['满意度', 10, '服务对象满意度', '参与退费企业满意度 (投诉都能响应并解决)', '≥90%', '100%', 10, 10, null],
    );
    expect(cells(DOCS.juesuan, 558)).toEqual(['满意度', 10, '其他满意度', null, null, '不适用', 0, 0, null]);
  });

  it('a row with an empty target (002 line 609)', () => {
    expect(cells(DOCS.juesuan, 609)).toEqual(['满意度', 10, '其他满意度', '政务网络业务办理满意度', null, '不适用', 5, 2.5,
      '1.偏差原因:系统故障多生成的绩效指标,中期监控尝试变更,但任然无法删除,故此指标的酌情扣2.5分,得2.5分。']);
  });

  it('a level-1 label in the 二级指标 column (003 line 173)', () => {
    expect(cells(DOCS.guihua, 173)).toEqual(['效益指标', null, '经济效益指标', '无', '无', '无', 0, 0, null]);
    expect(cells(DOCS.guihua, 174)).toEqual(['效益指标', null, '社会效益指标', '重大网络安全事故发生数', '0', '0', 20, 20, null]);
  });

  it('a cell printed twice is read once (004 line 64)', () => {
    expect(cells(DOCS.dapeng, 64).slice(0, 8)).toEqual(['产出指标', 50, '质量指标', '窗口业务数量（含办理、咨询、导办）', '≥5万单', '9.3万单', 2, 2]);
    expect(indicatorAt(DOCS.dapeng, 64).indicator.deviation!.startsWith('窗口业务完成量比年度指标值偏差较大的原因主要有')).toBe(true);
    expect(indicatorAt(DOCS.dapeng, 64).evaluation.flags.some((f) => f.code === 'duplicate_cell_merged')).toBe(true);
  });

  it('满意度指标 followed by the indicator name 服务对象满意度 (004 line 389)', () => {
    expect(cells(DOCS.dapeng, 389)).toEqual(['效益指标', 40, '满意度指标', '服务对象满意度', '≥80%', '86.5%', 20, 20, null]);
  });

  it('names in the 一级指标 column under 时效指标 (004 lines 383–385)', () => {
    expect(cells(DOCS.dapeng, 383)).toEqual(['产出指标', 50, '时效指标', '政府网站运维人员服务时间', '7x24小时不间断电话支持服务',
      '7x24小时不间断电话支持服务', 4, 4, null]);
    expect(cells(DOCS.dapeng, 385)).toEqual(['产出指标', 50, '成本指标', '政府网站优化升级及内容保障服务项目成本控制金额', '161.25万', '161.25万', 4, 4, null]);
  });

  it('a reason after an empty cell (004 line 378)', () => {
    const { indicator } = indicatorAt(DOCS.dapeng, 378);
    expect([indicator.level2, indicator.name, indicator.weight, indicator.score]).toEqual(['数量指标', '政府网站访问量', 4, 3.5]);
    expect(indicator.deviation!.startsWith('偏差原因分析：1.通过后台数据')).toBe(true);
  });

  it('an empty cell before 分值 and "/" placeholders (004 lines 710, 714, 783)', () => {
    expect(cells(DOCS.dapeng, 710)).toEqual(['产出指标', 50, '质量指标', 'OA移动办公系统升级改造率', '≥95%', '100%', 7, 7, null]);
    expect(cells(DOCS.dapeng, 714)).toEqual(['产出指标', 50, '成本指标', 'OA移动办公系统设计费用', '≤44万元', null, 5, 0, null]);
    expect(cells(DOCS.dapeng, 783)).toEqual(['效益指标', 40, '经济效益指标', '不适用', '不适用', null, null, null, '本项目已收回资金，未实施。']);
  });

  it('counts every indicator of a form (001 block 3: 23 rows, two label-only rows skipped)', () => {
    expect(evaluationsOf(DOCS.wangxin)[3]!.indicators).toHaveLength(23);
  });
});

describe('funding', () => {
  it('reads the four lines in 元 with the rate as a fraction', () => {
    const total = evaluationsOf(DOCS.shuju)[5]!.funding;
    expect(total.map((f) => [f.line, f.initialYuan, f.fullYearYuan, f.executedYuan, f.weight, f.rate, f.score])).toEqual([
      ['total', 5840000, 7632480, 7576662.37, 10, 0.99, 9.9],
      ['appropriation', 0, 5901600, 5845782.37, null, 0.99, null],
      ['carryover', 0, 1730880, 1730880, null, 1, null],
      ['other', 5840000, 0, 0, null, 0, null],
    ]);
  });

  it('reads a funding header that is missing labels in the standard order, and says so (004 line 365)', () => {
    const e = evaluationsOf(DOCS.dapeng)[10]!;
    expect(e.funding[0]).toMatchObject({ initialYuan: 3730200, fullYearYuan: 3777800, executedYuan: 3777142.37, weight: 10, rate: 0.9998, score: 10 });
    expect(e.flags.filter((f) => f.code === 'header_misaligned')).toHaveLength(1);
  });

  it('reads the 2022 layout (label and 年度资金总额 on one row, 执行率 (%))', () => {
    const [total] = evaluationsOf(DOCS.juesuan)[0]!.funding;
    expect(total).toEqual({
      line: 'total', initialYuan: 76000000, fullYearYuan: 22924400, executedYuan: 21154406.61, weight: 10, rate: 0.9228, rateRaw: '92.28', score: 9.23,
    });
  });
});

describe('total', () => {
  it('keeps an unreadable total as printed', () => {
    const e = evaluationsOf(DOCS.shuju)[8]!;
    expect([e.totalWeight, e.totalScore, e.totalScoreRaw]).toEqual([100, null, '#REF!']);
  });

  it('reads a 总分 row that starts one column in (003 line 50)', () => {
    const e = evaluationsOf(DOCS.guihua)[1]!;
    expect([e.totalWeight, e.totalScore, e.lineEnd]).toEqual([100, 98, 50]);
  });
});

describe("a PDF table's own cells", () => {
  // The same indicator row twice: as a text export gives it, and as a ruled PDF table's cells.
  const block = (ruled: boolean): Block => ({
    index: 0, title: '项目支出绩效自评表', headingYear: null,
    rows: [
      ['项目名称', '测试项目'],
      ['年度绩效指标', '一级指标', '二级指标', '三级指标', '年度指标值', '实际完成值', '分值', '得分', '偏差原因分析及改进措施'],
      ['', '产出类指标(50分)', '数量指标', '巡检次数', '≥12次', '12次', '50', '50', '无'],
      ['总分', '', '', '', '', '', '50', '50', ''],
    ].map((cells, i) => ({
      line: i + 1, page: ruled ? 1 : null, cells, positions: ruled ? 'exact' as const : 'inferred' as const,
      spans: ruled ? cells.map((_, col) => ({ col, cols: 1, rows: 1, continued: false, openTop: false, openBottom: false, box: null })) : null,
      table: ruled ? 0 : null,
    })),
  });

  it('are read where the header says, even when a value does not look like what its column holds', () => {
    const [text] = parseBlock(block(false)).indicators;
    const [pdf] = parseBlock(block(true)).indicators;
    // An unknown level label: the text path cannot tell it from texts that slid right.
    expect(text!.level1).toBeNull();
    expect([pdf!.level1, pdf!.level2, pdf!.name, pdf!.target, pdf!.weight]).toEqual(['产出类指标(50分)', '数量指标', '巡检次数', '≥12次', '50']);
  });
});

describe('HTML residue in texts', () => {
  it('decodes every entity and drops markup the way a browser reads it', () => {
    expect(stripHtml('<p>完成&#160;率&ldquo;高&rdquo;</p><p>&#x4e2d;心&amp;站</p>')).toEqual({ text: '完成 率“高” 中心&站', stripped: true });
    expect(stripHtml('<span style="x">数据<br>治理</span>')).toEqual({ text: '数据 治理', stripped: true });
    expect(stripHtml('≥95% & <5次')).toEqual({ text: '≥95% & <5次', stripped: false }); // no markup: left alone
  });
});
