import { describe, expect, it } from 'vitest';
import type { ValidatedEvaluation } from '../src/model/evaluation.js';
import { validate } from '../src/validate/validate.js';
import { corpusFile, DOCS, evaluationsOf } from './helpers.js';
import { readFileSync } from 'node:fs';
import { extractText } from '../src/extract/text.js';
import { parseBlock } from '../src/parse/parse.js';
import { segment } from '../src/segment/segment.js';

const all = () => Object.values(DOCS).flatMap((d) => evaluationsOf(d).map((e) => ({ doc: d, e })));
const findings = (e: ValidatedEvaluation) => e.flags.filter((f) => f.severity !== 'info').map((f) => `${f.severity} ${f.code}`);

/** Re-validate a changed copy of a real evaluation (its earlier rule flags dropped, repairs kept). */
function revalidate(e: ValidatedEvaluation, change: (copy: ValidatedEvaluation) => void): ValidatedEvaluation {
  const copy = structuredClone(e);
  copy.flags = copy.flags.filter((f) => f.severity === 'info');
  change(copy);
  return validate(copy);
}

describe('the corpus breaks its own rules exactly where it really does', () => {
  it('#REF! in 总分 makes 000 block 8 low confidence', () => {
    const e = evaluationsOf(DOCS.shuju)[8]!;
    expect(findings(e)).toEqual(['error total_unreadable']);
    expect(e.confidence).toBe('low');
  });

  it('001 block 8 prints 产出指标 (50分) over indicators worth 47, and a total of 96.8 over scores adding to 93.8', () => {
    const e = evaluationsOf(DOCS.wangxin)[8]!;
    expect(e.projectName).toBe('深圳市互联网行业同心圆工程');
    expect(findings(e)).toEqual(['warn level_weight_mismatch', 'warn total_weight_mismatch', 'warn total_score_mismatch']);
    expect(e.flags.find((f) => f.code === 'level_weight_mismatch')!.message).toContain('add up to 47, not the 50 points');
    expect(e.confidence).toBe('medium');
  });

  it('004 block 0 gives 产出指标 (50分) indicators worth 51', () => {
    const e = evaluationsOf(DOCS.dapeng)[0]!;
    expect(findings(e)).toEqual(['warn level_weight_mismatch', 'warn total_weight_mismatch', 'warn total_score_mismatch']);
    expect(e.flags.find((f) => f.code === 'total_score_mismatch')!.message).toContain('add up to 101, not the 总分 得分 100');
  });

  it('004: three budgets withdrawn during the year (年初预算 > 0, 全年预算 0.00) are flagged with both amounts', () => {
    const withdrawn = evaluationsOf(DOCS.dapeng).filter((e) => e.flags.some((f) => f.code === 'budget_withdrawn'));
    expect(withdrawn.map((e) => [e.projectName, findings(e), e.confidence])).toEqual([
      ['公务接待费', ['warn budget_withdrawn'], 'medium'], ['新区对口支援专项资金', ['warn budget_withdrawn'], 'medium'],
      ['预算准备金', ['warn budget_withdrawn'], 'medium'],
    ]);
    const reception = withdrawn[0]!;
    const total = reception.funding.find((f) => f.line === 'total')!;
    expect(reception.flags.find((f) => f.code === 'budget_withdrawn')!.message)
      .toBe(`年初预算数 ${total.initialYuan!.toFixed(2)} 元 but 全年预算数 0.00 元: the budget was withdrawn during the year; left out of execution rates and mean scores`);
  });

  it('every other corpus form is consistent: high confidence, repairs only', () => {
    const withdrawn = ['公务接待费', '新区对口支援专项资金', '预算准备金'];
    const rest = all().filter(({ doc, e }) => !(doc === DOCS.shuju && e.blockIndex === 8)
      && !(doc === DOCS.wangxin && e.blockIndex === 8) && !(doc === DOCS.dapeng && e.blockIndex === 0)
      && !(doc === DOCS.dapeng && withdrawn.includes(e.projectName ?? '')));
    expect(rest).toHaveLength(52);
    for (const { e } of rest) {
      expect(findings(e), `${e.projectName}`).toEqual([]);
      expect(e.confidence).toBe('high');
    }
  });
});

describe('each rule fires on a form that breaks it', () => {
  const base = () => evaluationsOf(DOCS.shuju)[0]!;

  it('score above weight is an error on that indicator', () => {
    const e = revalidate(base(), (c) => { c.indicators[0]!.score = 11; });
    const f = e.flags.find((x) => x.code === 'score_exceeds_weight')!;
    expect([f.severity, f.indicatorSeq, e.confidence]).toEqual(['error', 1, 'low']);
  });

  it('printed rate that does not match executed ÷ budget', () => {
    const e = revalidate(base(), (c) => { c.funding[0]!.rate = 0.9; c.funding[0]!.rateRaw = '0.90'; });
    expect(findings(e)).toEqual(['warn rate_mismatch']);
  });

  it('funding lines that do not add up to the total', () => {
    const e = revalidate(base(), (c) => { c.funding[1]!.initialYuan = 1; });
    expect(findings(e)).toEqual(['warn funding_lines_mismatch']);
  });

  it('required fields missing', () => {
    const e = revalidate(base(), (c) => { c.projectName = null; c.indicators = []; });
    expect(findings(e)).toEqual(expect.arrayContaining(['error required_field_missing']));
    expect(e.flags.filter((f) => f.code === 'required_field_missing').map((f) => f.message)).toEqual([
      'required field missing: 项目名称', 'required field missing: 绩效指标',
    ]);
  });

  it('total score off by more than rounding', () => {
    expect(findings(revalidate(base(), (c) => { c.totalScore = 99.87; }))).toEqual([]);
    expect(findings(revalidate(base(), (c) => { c.totalScore = 99.5; }))).toEqual(['warn total_score_mismatch']);
  });
});

describe('schemas at the stage boundaries', () => {
  it('a stage whose output fails its schema is named, with the field', async () => {
    const { checked, StageError } = await import('../src/pipeline/stages.js');
    const { ParsedBlockSchema } = await import('../src/model/parsed.js');
    const bad = { ...parseBlockOf003(), header: { ...parseBlockOf003().header, projectName: 42 } };
    expect(() => checked('parse', ParsedBlockSchema, bad)).toThrow(StageError);
    expect(() => checked('parse', ParsedBlockSchema, bad)).toThrow(/^parse stage output fails its schema at header\.projectName: /);
  });

  it('rows read back from SQLite are parsed, naming the table and column', async () => {
    const { readRows, StoredFlagRowSchema } = await import('../src/model/stored.js');
    expect(() => readRows('flags', StoredFlagRowSchema, [{ evaluation_id: 1, indicator_seq: null, code: 'x', severity: 'fatal', message: 'm' }]))
      .toThrow(/^flags: row 0 column severity: /);
  });
});

/** Block 0 of 003 as the parser gives it. */
function parseBlockOf003() {
  const doc = extractText(readFileSync(corpusFile(DOCS.guihua)));
  return parseBlock(segment(doc)[0]!);
}
