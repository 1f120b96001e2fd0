import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Store } from './store.js';

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

/**
 * A named run lock kept in the database itself, taken and taken over inside one IMMEDIATE
 * transaction, so two runs cannot both take it and a run that takes over a dead holder's lock
 * cannot delete a lock another run has just taken. The holder is named by host, PID and process
 * start time: a lock whose PID was reused by an unrelated process is stale too.
 */
export function acquireLock(store: Store, name: string): { release: () => void } | { heldBy: number } {
  const mine = { name, pid: process.pid, host: hostname(), started: processStarted(process.pid) ?? 'unknown', token: randomUUID() };
  const db = store.db;
  const held = store.immediate(() => {
    const row = db.prepare<[string], LockRow>('SELECT pid, host, process_started, token FROM locks WHERE name = ?').get(name);
    if (row && holderRuns(row)) return row.pid;
    db.prepare(`INSERT OR REPLACE INTO locks (name, pid, host, process_started, token, acquired_at) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(name, mine.pid, mine.host, mine.started, mine.token, new Date().toISOString());
    return null;
  });
  if (held !== null) return { heldBy: held };
  return { release: () => { store.immediate(() => db.prepare('DELETE FROM locks WHERE name = ? AND token = ?').run(name, mine.token)); } };
}
