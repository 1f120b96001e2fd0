import { spawnSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/version.js';

/** The version the benches set this one beside: the last commit before this round's work (ZIPIN_BENCH_BASE overrides it). */
export const BASE = process.env.ZIPIN_BENCH_BASE ?? '907fc7d';

/**
 * An earlier version (`rev`, BASE unless said) checked out with `git worktree` into `dir`, sharing this one's
 * node_modules, built from its own sources: its package root, or why there is none (no git, no
 * such commit). `forget` removes the worktree again.
 */
export function earlierBuild(dir: string, rev = BASE): { root: string; forget: () => void } | { missing: string } {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: PACKAGE_ROOT, encoding: 'utf8' });
  const added = git('worktree', 'add', '--detach', dir, rev);
  if (added.status !== 0) return { missing: `git worktree add ${rev}: ${(added.stderr || added.error?.message || '').trim().split('\n')[0]}` };
  const forget = () => void git('worktree', 'remove', '--force', dir);
  symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(dir, 'node_modules'));
  const built = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: dir, encoding: 'utf8' });
  if (built.status !== 0) {
    forget();
    return { missing: `build of ${rev} failed: ${built.stdout.split('\n')[0]}` };
  }
  return { root: dir, forget };
}
