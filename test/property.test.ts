import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { extractText } from '../src/extract/text.js';
import { EvaluationSchema, ValidatedEvaluationSchema } from '../src/model/evaluation.js';
import { ParsedBlockSchema } from '../src/model/parsed.js';
import { BlockSchema, ExtractedDocumentSchema } from '../src/model/table.js';
import { normalize } from '../src/normalize/normalize.js';
import { parseBlock } from '../src/parse/parse.js';
import { segment } from '../src/segment/segment.js';
import { validate } from '../src/validate/validate.js';
import { corpusFile, DOCS } from './helpers.js';

const sources = Object.values(DOCS).map((d) => readFileSync(corpusFile(d), 'utf8'));

type Mutation =
  | { kind: 'dropTabs'; line: number; count: number }
  | { kind: 'swapLines'; a: number; b: number }
  | { kind: 'cut'; at: number }
  | { kind: 'garbage'; line: number; text: string }
  | { kind: 'duplicateLine'; line: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('dropTabs' as const), line: fc.nat(), count: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('garbage' as const), line: fc.nat(),
    text: fc.oneof(fc.string(), fc.constantFrom('总分\t#REF!', '项目名称', '\t\t≥\t%\t万元', '产出指标 (50分)\t满意度指标', '<p>', '项目支出绩效自评表')),
  }),
  fc.record({ kind: fc.constant('duplicateLine' as const), line: fc.nat() }),
);

function apply(text: string, mutations: readonly Mutation[]): string {
  let lines = text.split('\n');
  for (const m of mutations) {
    const at = (n: number) => n % Math.max(1, lines.length);
    switch (m.kind) {
      case 'dropTabs': {
        const i = at(m.line);
        let line = lines[i] ?? '';
        for (let k = 0; k < m.count; k++) line = line.replace('\t', '');
        lines[i] = line;
        break;
      }
      case 'swapLines': {
        const [a, b] = [at(m.a), at(m.b)];
        [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
        break;
      }
      case 'cut':
        lines = lines.join('\n').slice(0, m.at % (text.length + 1)).split('\n');
        break;
      case 'garbage':
        lines.splice(at(m.line), 0, m.text);
        break;
      case 'duplicateLine':
        lines.splice(at(m.line), 0, lines[at(m.line)] ?? '');
        break;
    }
  }
  return lines.join('\n');
}

describe('mutated corpus text', () => {
  it('never makes segment → parse → normalize → validate throw, and every stage output fits its schema', () => {
    fc.assert(
      fc.property(fc.nat({ max: sources.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 12 }), (doc, mutations) => {
        const text = apply(sources[doc]!, mutations);
        const extracted = extractText(Buffer.from(text || ' '));
        ExtractedDocumentSchema.parse(extracted);
        for (const block of segment(extracted)) {
          const parsed = parseBlock(BlockSchema.parse(block));
          const normalized = normalize(ParsedBlockSchema.parse(parsed));
          ValidatedEvaluationSchema.parse(validate(EvaluationSchema.parse(normalized)));
        }
      }),
      { numRuns: 300, seed: 20261121 },
    );
  }, 120_000); // 3 s idle, up to 10 s with the other core busy
});
