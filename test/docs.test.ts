import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../src/version.js';
import { CLI, tempDir } from './helpers.js';

/**
 * The commands the README and docs/ show with their output (a block opening with
 * `$ npx zipin …`) are run on the bundled corpus as `npm start` leaves it, and must print what
 * the page shows: every line shown, in order, from the first line printed (a page may show the
 * start of a long output only). Blocks about a PostgreSQL server or a live site are left out.
 */
const pages = ['README.md', ...readdirSync(join(PACKAGE_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

interface Example {
  page: string;
  args: string[];
  shown: string[];
}

function examples(page: string): Example[] {
  const lines = readFileSync(join(PACKAGE_ROOT, page), 'utf8').split('\n');
  const found: Example[] = [];
  lines.forEach((line, i) => {
    const m = /^\$ npx zipin (.+)$/.exec(line);
    if (!m || lines[i - 1] !== '```') return;
    const end = lines.indexOf('```', i + 1);
    const args = m[1]!.trim().split(/\s+/);
    if (args.some((a) => a.startsWith('postgres://') || a === 'crawl' || a === 'worker')) return;
    found.push({ page, args, shown: lines.slice(i + 1, end) });
  });
  return found;
}

const all = pages.flatMap(examples);

describe('the outputs the README and docs/ show are what the commands print', () => {
  let cwd: string;
  beforeAll(() => {
    // A folder as a new user's clone is after `npm start`: the corpus, and out/zipin.sqlite read from it.
    cwd = tempDir();
    symlinkSync(join(PACKAGE_ROOT, 'corpus'), join(cwd, 'corpus'));
    mkdirSync(join(cwd, 'out'));
    const start = spawnSync(process.execPath, [CLI, 'extract', 'corpus/', '--db', 'out/zipin.sqlite'], { cwd, encoding: 'utf8' });
    expect(start.status, start.stderr).toBe(0);
  }, 120_000);

  it('finds the examples', () => {
    expect(all.map((e) => `${e.page}: ${e.args.join(' ')}`)).toEqual(expect.arrayContaining([
      'README.md: inspect corpus/003_e7112b8e4e2d84a4.txt', 'README.md: compare --sort gap', 'docs/commands.md: compare --by year --format json',
      'docs/commands.md: export --out out/export',
    ]));
  });

  it.each(all.map((e) => [`${e.page}: zipin ${e.args.join(' ')}`, e]))('%s', (_name, example) => {
    const { args, shown } = example as Example;
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ZIPIN_DB: '' } });
    expect(r.status, r.stderr).toBe(0);
    const printed = r.stdout.split('\n').map((l) => l.trimEnd());
    expect(printed.slice(0, shown.length)).toEqual(shown.map((l) => l.trimEnd()));
  }, 60_000);
});

describe('every SQL example in the README and docs/ runs on the dataset as its schema is now', () => {
  const blocks = pages.flatMap((page) => [...readFileSync(join(PACKAGE_ROOT, page), 'utf8').matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => ({ page, sql: m[1]! })));
  const db = join(tempDir(), 'zipin.sqlite');
  beforeAll(() => {
    const made = spawnSync(process.execPath, [CLI, 'extract', join(PACKAGE_ROOT, 'corpus'), '--db', db, '-q'], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
  }, 120_000);
  it('finds them', () => expect(blocks.length).toBeGreaterThan(5));
  it.each(blocks.map((b, k) => [`${b.page} #${k + 1}`, b.sql]))('%s', (_name, sql) => {
    const d = new Database(db, { readonly: true });
    try {
      for (const statement of String(sql).split(/;\s*(?:\n|$)/).map((x) => x.trim()).filter((x) => x !== '' && !x.startsWith('--'))) {
        const prepared = d.prepare(statement);
        const params = Array.from({ length: (statement.match(/\?/g) ?? []).length }, () => null);
        expect(() => (prepared.reader ? prepared.all(...params) : undefined), statement.slice(0, 80)).not.toThrow();
      }
    } finally {
      d.close();
    }
  }, 60_000);
});

