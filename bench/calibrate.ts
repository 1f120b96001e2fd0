/**
 * `npm run bench` (first): is the machine quiet? A plain CPU loop timed in one process alone,
 * then in two processes at once. On a quiet machine with two cores or more each of the two runs
 * as fast as the one; when they do not, something else is running, or the cores are not whole
 * cores, and every side-by-side figure after this one is suspect.
 *
 * Then the same with a walk through memory (a random cycle over 64 MiB, every step a cache miss):
 * cores that share the way to memory slow each other there even when the CPU loop says quiet,
 * and so do two workers whose work is memory-heavy (pdf.js, the recogniser): part of why a
 * second worker gains less than twice. It varies over the hour with the machine's neighbours.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

const LOOP = 'let x = 0; const t = process.hrtime.bigint(); for (let i = 0; i < 3e8; i++) x += i % 7; process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6 + (x > 0 ? 0 : 1)));';
// Sattolo's shuffle makes one cycle through all 2^24 slots; the walk is timed, not the shuffle.
const WALK = 'const n = 1 << 24; const a = new Int32Array(n); for (let i = 0; i < n; i++) a[i] = i; let r = 12345;'
  + 'for (let i = n - 1; i > 0; i--) { r = (r * 1103515245 + 12345) >>> 0; const k = Math.floor((r / 4294967296) * i); const x = a[i]; a[i] = a[k]; a[k] = x; }'
  + 'let j = 0; let s = 0; const t = process.hrtime.bigint(); for (let k = 0; k < 1e7; k++) { j = a[j]; s += j; }'
  + 'process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6 + (s > 0 ? 0 : 1)));';

/** Milliseconds one loop takes in a fresh process. */
function time(code: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`the loop exited ${code}`))));
  });
}

/** One process alone (the better of two), then two at once: the times and how much slower the slower of the two ran. */
async function aloneAndTwo(code: string): Promise<{ alone: number; a: number; b: number; slower: number }> {
  const alone = Math.min(await time(code), await time(code));
  const [a, b] = await Promise.all([time(code), time(code)]) as [number, number];
  return { alone, a, b, slower: Math.max(a, b) / alone };
}

const cpu = await aloneAndTwo(LOOP);
console.log(`calibration: a CPU loop alone ${cpu.alone.toFixed(0)} ms; two at once ${cpu.a.toFixed(0)} and ${cpu.b.toFixed(0)} ms `
  + `(${availableParallelism()} cores) → ${cpu.slower <= 1.1 ? 'quiet: two processes run at full speed' : `NOT quiet: two processes run ${cpu.slower.toFixed(2)}× slower; figures below are suspect`}`);
const memory = await aloneAndTwo(WALK);
console.log(`             a walk through 64 MiB alone ${memory.alone.toFixed(0)} ms; two at once ${memory.a.toFixed(0)} and ${memory.b.toFixed(0)} ms `
  + `→ ${memory.slower > 1.1 ? `${memory.slower.toFixed(2)}× slower side by side: memory-heavy workers (pdf.js, the recogniser) slow each other here` : 'full speed side by side'}`);
