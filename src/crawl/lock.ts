import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A lock file holding the crawler's PID, so two scheduled runs never overlap. A lock left by a
 * run that was killed (its PID no longer alive) is taken over. Returns the release function, or
 * null with the holder's PID when another live run has it.
 */
export function acquireLock(path: string): { release: () => void } | { heldBy: number } {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) return { heldBy: pid };
      rmSync(path, { force: true }); // stale: its run died
    }
  }
  throw new Error(`cannot take the lock ${path}`);
}
