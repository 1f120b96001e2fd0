import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder every test's temporary folders are made in: removed with everything in it when the run ends. */
    tempRoot: string;
  }
}

/** Vitest's global setup: one temporary folder for the whole run, gone when it ends (pass or fail). */
export default function setup(project: TestProject): () => void {
  const root = mkdtempSync(join(tmpdir(), 'zipin-tests-'));
  project.provide('tempRoot', root);
  return () => rmSync(root, { recursive: true, force: true });
}
