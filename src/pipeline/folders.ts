import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A folder made, with the folders it is in: each missing level made on its own, from the nearest
 * one that exists. Node's own recursive mkdir loops forever where a level cannot be made but its
 * parent exists (`/proc/x`); this fails at once, with the operating system's reason (ENOTDIR
 * where a part of the path is a file).
 */
export function makeFolder(dir: string): void {
  const missing: string[] = [];
  let d = dir;
  for (; !existsSync(d) && dirname(d) !== d; d = dirname(d)) missing.push(d);
  if (!statSync(d).isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: 'ENOTDIR', errno: -20, syscall: 'mkdir', path: dir });
  for (const m of missing.reverse()) mkdirSync(m);
}
