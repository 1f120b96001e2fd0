import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { lockFor, row, run, type Steps } from './sql.js';

/**
 * When a process started, as the kernel says (boot id + start tick from /proc), so that a PID the
 * system has since given to another process is not mistaken for the lock's holder. Where /proc
 * is not there, this process's own clock-based start time serves for itself only.
 */
export function processStarted(pid: number): string | null {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may hold spaces and brackets: fields are counted after its ")".
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return start === undefined ? null : `${boot}:${start}`;
  } catch {
    return pid === process.pid ? `clock:${Math.round(Date.now() / 1000 - process.uptime())}` : null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface LockRow {
  pid: number;
  host: string;
  process_started: string;
  token: string;
}

/** The holder still runs: same machine, its PID alive and still the process that took the lock. */
function holderRuns(row: LockRow): boolean {
  if (row.host !== hostname()) return true; // another machine's run: nothing here can tell, so wait
  if (!alive(row.pid)) return false;
  const started = processStarted(row.pid);
  return started === null || started === row.process_started;
}

/** Who takes a lock: this process, named so that another run can tell whether it still runs. */
export interface LockHolder {
  name: string;
  pid: number;
  host: string;
  started: string;
  token: string;
}

export function lockHolder(name: string): LockHolder {
  return { name, pid: process.pid, host: hostname(), started: processStarted(process.pid) ?? 'unknown', token: randomUUID() };
}

/**
 * A named run lock kept in the dataset itself, taken and taken over inside one transaction that
 * the engine serialises (SQLite: BEGIN IMMEDIATE; PostgreSQL: the locks table locked first), so
 * two runs cannot both take it and a run that takes over a dead holder's lock cannot delete a
 * lock another run has just taken. The holder is named by host, PID and process start time: a
 * lock whose PID was reused by an unrelated process is stale too. Returns the PID holding it, or
 * null when it is now `mine`.
 */
export function* takeLock(mine: LockHolder): Steps<number | null> {
  yield* lockFor('LOCK TABLE locks IN EXCLUSIVE MODE');
  const held = yield* row<LockRow>('SELECT pid, host, process_started, token FROM locks WHERE name = ?', mine.name);
  if (held && holderRuns({ ...held, pid: Number(held.pid) })) return Number(held.pid);
  yield* run(`INSERT INTO locks (name, pid, host, process_started, token, acquired_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (name) DO UPDATE SET pid = excluded.pid, host = excluded.host, process_started = excluded.process_started,
      token = excluded.token, acquired_at = excluded.acquired_at`, mine.name, mine.pid, mine.host, mine.started, mine.token, new Date().toISOString());
  return null;
}

/** The lock given back, if it is still `mine`. */
export function* releaseLock(mine: LockHolder): Steps<void> {
  yield* run('DELETE FROM locks WHERE name = ? AND token = ?', mine.name, mine.token);
}
