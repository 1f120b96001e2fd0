/**
 * `npm run bench` (first): is the machine quiet? A plain CPU loop timed in one process alone,
 * then in two processes at once. On a quiet machine with two cores or more each of the two runs
 * as fast as the one; when they do not, something else is running, or the cores are not whole
 * cores, and every side-by-side figure after this one is suspect.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

const LOOP = 'let x = 0; const t = process.hrtime.bigint(); for (let i = 0; i < 3e8; i++) x += i % 7; process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6 + (x > 0 ? 0 : 1)));';

/** Milliseconds one loop takes in a fresh process. */
function loop(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', LOOP], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`the loop exited ${code}`))));
  });
}

const alone = Math.min(await loop(), await loop());
const [a, b] = await Promise.all([loop(), loop()]);
const slower = Math.max(a!, b!) / alone;
console.log(`calibration: a CPU loop alone ${alone.toFixed(0)} ms; two at once ${a!.toFixed(0)} and ${b!.toFixed(0)} ms `
  + `(${availableParallelism()} cores) → ${slower <= 1.1 ? 'quiet: two processes run at full speed' : `NOT quiet: two processes run ${slower.toFixed(2)}× slower; figures below are suspect`}`);
