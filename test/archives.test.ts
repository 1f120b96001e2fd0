import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSevenZip } from '../src/extract/archive/sevenzip.js';
import { ZIP_LIMITS } from '../src/extract/archive/zip.js';
import { processFile } from '../src/pipeline/process.js';
import { PACKAGE_ROOT } from '../src/version.js';
import { FIXTURES } from './helpers.js';
import { sevenZip } from './seven-zip.js';

const fixture = (name: string) => readFileSync(join(FIXTURES, name));

describe('7z archives (made here by 7-Zip in WebAssembly)', () => {
  it('a 7z with Chinese names and folders holding a PDF, an .xlsx and a .doc: every document and form read', async () => {
    const archive = await sevenZip({
      '自评表/2022年/规划和自然资源局自评表.pdf': fixture('003_e7112b8e4e2d84a4.calc.pdf'),
      '自评表/汇总表.xlsx': fixture('003_e7112b8e4e2d84a4.xlsx'),
      '四川省/项目支出绩效自评表.doc': fixture('region-sichuan.doc'),
    });
    const results = await processFile(archive, '2022年部门决算.7z');
    expect(results.map((r) => [r.document.source, r.document.format, r.document.status, r.evaluations.length])).toEqual([
      ['2022年部门决算.7z!/四川省/项目支出绩效自评表.doc', 'doc', 'ok', 1],
      ['2022年部门决算.7z!/自评表/2022年/规划和自然资源局自评表.pdf', 'pdf', 'ok', 8],
      ['2022年部门决算.7z!/自评表/汇总表.xlsx', 'xlsx', 'ok', 8],
    ]);
  }, 60_000);

  it('an archive inside an archive is opened one level deep, no deeper', async () => {
    const inner = await sevenZip({ '县级/自评表.txt': fixture('county.txt') });
    const outer = await sevenZip({ '打包/县级.7z': inner, '区级.txt': fixture('district.txt') });
    const results = await processFile(outer, 'outer.7z');
    expect(results.map((r) => [r.document.source, r.document.status, r.evaluations.length])).toEqual([
      ['outer.7z!/区级.txt', 'ok', 1], ['outer.7z!/打包/县级.7z!/县级/自评表.txt', 'ok', 1],
    ]);
    const deepest = await processFile(await sevenZip({ 'outer.7z': outer }), 'three.7z');
    expect(deepest.map((r) => r.document.error)).toContain('archive nested too deep (an archive in an archive in an archive)');
  }, 60_000);

  it('an encrypted 7z (its names hidden, or only its data) is one line, never a prompt or a hang', async () => {
    for (const hidden of [true, false]) {
      const archive = await sevenZip({ 'a.txt': fixture('county.txt') }, { password: 'secret', encryptNames: hidden });
      const [r] = await processFile(archive, 'locked.7z');
      expect(r!.document).toMatchObject({ status: 'failed', error: 'encrypted: needs a password' });
    }
  }, 60_000);

  it('bounded like a ZIP: members, sizes and the ratio of a bomb', async () => {
    const zeros = await sevenZip({ 'zeros.txt': Buffer.alloc(4_000_000) });
    await expect(readSevenZip(zeros, { ...ZIP_LIMITS, maxRatio: 100 })).rejects.toThrow(/compresses|unpacks \d+:1 \(limit 100:1\): a bomb\?/);
    const many = await sevenZip(Object.fromEntries(Array.from({ length: 5 }, (_, k) => [`f${k}.txt`, Buffer.from(String(k))])));
    await expect(readSevenZip(many, { ...ZIP_LIMITS, maxMembers: 4 })).rejects.toThrow('archive too large: 5 members (limit 4)');
    const [broken] = await processFile(zeros.subarray(0, 40), 'cut.7z');
    expect(broken!.document.status).toBe('failed');
    expect(broken!.document.error).toMatch(/^cannot read 7z archive: [^\n]+$/);
  }, 60_000);
});

const RAR = join(PACKAGE_ROOT, '..', 'shared', 'samples', 'rar');

describe.skipIf(!existsSync(RAR))(`RAR archives (third-party samples)${existsSync(RAR) ? '' : ' (skipped: ../shared/samples/rar is not there)'}`, () => {
  const rar = (name: string) => processFile(readFileSync(join(RAR, name)), name);
  it('RAR 4 and 5: members with their folders, Chinese names decoded', async () => {
    expect((await rar('FolderTest.rar')).map((r) => r.document.source)).toEqual(['FolderTest.rar!/Folder1/Folder Space/long.txt', 'FolderTest.rar!/Folder1/Folder 中文/2中文.txt']);
    const [v4, v5] = [await rar('test-v4.rar'), await rar('test-v5.rar')];
    expect(v4.map((r) => r.document.source.split('!/')[1])).toEqual(v5.map((r) => r.document.source.split('!/')[1]));
    expect(v4.map((r) => r.document.sha256)).toEqual(v5.map((r) => r.document.sha256));
  });

  it('encrypted headers or data: one line, no password asked for', async () => {
    for (const name of ['HeaderEnc1234.rar', 'v4-encrypted.rar']) {
      const [r] = await rar(name);
      expect(r!.document).toMatchObject({ status: 'failed', error: 'encrypted: needs a password' });
    }
  });

  it('a truncated RAR fails with the reason', async () => {
    const [r] = await processFile(readFileSync(join(RAR, 'test-v5.rar')).subarray(0, 30), 'cut.rar');
    expect(r!.document.error).toMatch(/^cannot read RAR archive: [^\n]+$/);
  });
});
