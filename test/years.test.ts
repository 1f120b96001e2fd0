import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ValidatedEvaluation } from '../src/model/evaluation.js';
import { inferYears } from '../src/normalize/years.js';
import { processDocument } from '../src/pipeline/process.js';
import { corpusFile, DOCS } from './helpers.js';

/**
 * Forms that print no year (no 绩效自评年度, no year in a heading) get theirs from what else says
 * it, with a flag saying where; the corpus's three such documents, read by hand: 000 and 001 are
 * forms of 2021 (覆盖2021年12月, 2021年度内完成), 003 of 2020 (2020年1月至2020年12月, 2020年度;
 * its 2021年5月29日 is when a reason was written).
 */

const yearFlags = (e: ValidatedEvaluation) => e.flags.filter((f) => f.code === 'year_inferred' || f.code === 'year_unknown');

describe('the corpus: every form has a year', () => {
  it.each([
    [DOCS.shuju, 2021, 9],
    [DOCS.wangxin, 2021, 11],
    [DOCS.guihua, 2020, 8],
  ] as const)('%s: every form %d, inferred and flagged', async (name, year, forms) => {
    const { evaluations } = await processDocument(readFileSync(corpusFile(name)), `corpus/${name}`);
    expect(evaluations).toHaveLength(forms);
    for (const e of evaluations) {
      expect(e.year).toBe(year);
      expect(yearFlags(e)).toEqual([expect.objectContaining({ code: 'year_inferred', severity: 'info' })]);
      expect(yearFlags(e)[0]!.message).toMatch(new RegExp(`^the form prints no year; ${year} from the (form's own cells|cells of the document's forms that print no year): .*${year}年`));
    }
  });

  it.each([DOCS.juesuan, DOCS.dapeng])('%s prints its years: nothing inferred', async (name) => {
    const { evaluations } = await processDocument(readFileSync(corpusFile(name)), `corpus/${name}`);
    expect(evaluations.every((e) => e.year !== null && yearFlags(e).length === 0)).toBe(true);
  });
});

describe('where else a year is found', () => {
  let form: ValidatedEvaluation;
  const bare = async () => {
    form ??= (await processDocument(readFileSync(corpusFile(DOCS.guihua)), 'g.txt')).evaluations[0]!;
    return { ...form, year: null, goalExpected: null, goalActual: null, indicators: [], flags: [] } satisfies ValidatedEvaluation;
  };

  it('the year the document\'s other forms print comes first', async () => {
    const [printed, other] = [{ ...await bare(), year: 2022 }, { ...await bare(), blockIndex: 1, goalActual: '2019年度完成' }];
    const [, dated] = inferYears([printed, other], { outside: ['2018年度部门决算'], source: '2017/a.pdf' });
    expect(dated!.year).toBe(2022);
    expect(yearFlags(dated!)[0]!.message).toBe("the form prints no year; 2022 from the year the document's other forms print");
  });

  it('a whole year its cells state outweighs dates, which are as often when a reason was written', async () => {
    const e = { ...await bare(), goalActual: '2020年度完成全部运维工作', indicators: [{ ...form.indicators[0]!, deviation: '2021年5月29日，服务期未到；2021年6月验收' }] };
    const [dated] = inferYears([e], { outside: [], source: 'x.txt' });
    expect(dated!.year).toBe(2020);
    expect(yearFlags(dated!)[0]!.message).toBe("the form prints no year; 2020 from the form's own cells: 2020年度");
  });

  it('then the title or headings of its document, then its file\'s name', async () => {
    const e = await bare();
    const [byTitle] = inferYears([e], { outside: ['附件2', '深圳市某局2022年度部门决算'], source: 'a/2019年自评表.pdf' });
    expect([byTitle!.year, yearFlags(byTitle!)[0]!.message]).toEqual([2022, "the form prints no year; 2022 from the document's title or headings: 深圳市某局2022年度部门决算"]);
    const [byName] = inferYears([e], { outside: ['附件2'], source: 'downloads/2019年项目支出绩效自评表.pdf' });
    expect([byName!.year, yearFlags(byName!)[0]!.message]).toEqual([2019, "the form prints no year; 2019 from the file's name: downloads/2019年项目支出绩效自评表.pdf"]);
  });

  it('none: unknown, saying where it was looked for; a file name with two years says none', async () => {
    const [none] = inferYears([await bare()], { outside: [], source: 'archive-2019-2020/form.pdf' });
    expect(none!.year).toBeNull();
    expect(yearFlags(none!)).toEqual([{ code: 'year_unknown', severity: 'info', indicatorSeq: null,
      message: 'the form prints no year, and none was found in its cells, its document or its file name' }]);
  });

  it('years that weigh the same decide nothing', async () => {
    const e = { ...await bare(), goalExpected: '2020年度目标', goalActual: '2021年度完成' };
    const [dated] = inferYears([e], { outside: [], source: 'x.txt' });
    expect(dated!.year).toBeNull();
  });
});
