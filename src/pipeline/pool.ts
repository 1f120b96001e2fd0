import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DocumentResultSchema, type DocumentResult } from '../model/document.js';
import { hashRegularFile, readRegularFile } from './input.js';
import { failedDocument, processFile, unreadableDocument } from './process.js';

/**
 * What a worker is asked: a whole file (`share`: how many workers could take part of it), a
 * range of a PDF's pages, or the laid-out pages of every range put together into its documents.
 */
export type WorkerTask =
  | { id: number; kind: 'file'; path: string; share: number }
  | { id: number; kind: 'pages'; path: string; from: number; to: number }
  | { id: number; kind: 'assemble'; path: string; sha256: string; pageCount: number; pages: unknown[] };

/** What the pool sends a worker: a task, or word that a task sent ahead is taken back (skip it). */
export type WorkerMessage = WorkerTask | { id: number; kind: 'cancel' };

/**
 * What a worker process says about a task: it read the file (its hash, and whether OCR reads it), then the result — or,
 * for a long PDF, its page count (to share out), or a range's laid-out pages.
 */
export type WorkerReply =
  | { id: number; kind: 'read'; sha256: string; ocr: boolean }
  | { id: number; kind: 'done'; results: unknown }
  | { id: number; kind: 'split'; pageCount: number }
  | { id: number; kind: 'pages'; pages: unknown[] };

/** Turns a file path into its documents' results (an archive gives one per member); `close` releases whatever it holds. */
export interface Processor {
  process(path: string): Promise<DocumentResult[]>;
  close(): Promise<void>;
  /** How many files the run will ask for in all (what is left decides whether another worker pays). */
  expect(files: number): void;
  /** Documents whose pages several workers read. */
  readonly shared: number;
  /** Worker processes started (replacements of crashed ones not counted). */
  readonly workers: number;
}

/** In the calling process: where no compiled worker exists (tests on src/). */
class InlineProcessor implements Processor {
  readonly shared = 0;
  readonly workers = 0;

  expect(): void {}

  async process(path: string): Promise<DocumentResult[]> {
    let bytes: Buffer;
    try {
      bytes = readRegularFile(path);
    } catch (error) {
      return [unreadableDocument(path, error)];
    }
    return processFile(bytes, path);
  }

  async close(): Promise<void> {}
}

/** Per-document limits: a huge or hostile file fails alone instead of hanging or sinking the run. */
export interface Limits {
  /** Wall-clock time one document may take. */
  timeoutMs: number;
  /**
   * Memory one document may use, as the operating system counts it: the resident set of the
   * process parsing it (pdf.js decodes streams and images outside V8's heap), and V8's heap.
   */
  memoryMb: number;
}

/** Node's timers hold 2^31−1 ms at most; a longer one fires at once. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * 2048 MB, not less: below 2 GB of heap V8 grows the heap more timidly and collects more often,
 * which costs a busy worker 10–15% of its time.
 */
export const DEFAULT_LIMITS: Limits = { timeoutMs: 120_000, memoryMb: 2048 };

/** The files whose times give the pace of the work (their median): the last this many… */
const PACE_FILES = 8;
/** …once this many more are done: a worker's first files are read while it warms up, several times slower. */
const WARM_FILES = 24;
/**
 * Work left, a worker's share in ms, above which another worker pays for its warm-up (see grow).
 * Measured on two cores: 60 and 120 PDFs (3.3 and 5.5 s with one worker) and 500 text files
 * (3.6 s) were read no faster by two; 240 PDFs (10 s) 1.13× as fast.
 */
const GROW_AFTER_MS = 6000;

/**
 * While the last files took a worker less than this (their median), each worker is sent its next
 * tasks before it has finished the one it is on: a reply's way back and the next task's way out
 * (a reply read while this process writes the last document) cost a worker about 2 ms a file,
 * two fifths of a text file's own time. Longer files gain nothing from it, and one sent ahead
 * could wait behind a scan while another worker is free.
 */
const PREFETCH_UNDER_MS = 250;
/**
 * How many tasks a worker holds ahead of the one it is on: with one, a worker of 500 text files
 * still waited 0.20 s in all for this process to catch up (it writes documents in bursts); with
 * two, 0.09 s; three gained little more.
 */
const PREFETCH_DEPTH = 2;

/**
 * Above this share of its time busy (its event loop's utilisation since the workers warmed up), this
 * process — the one writer — would be starved by another busy worker: measured on two cores, 5,000
 * text files (this process busy 52% of the time with one worker) took 30.4 s with two workers
 * against 22.4 s with one; 240 PDFs (7%) were read 1.13× as fast by two.
 */
const MAIN_BUSY_MAX = 0.25;

/** How often a busy worker's resident memory is read. */
const MEMORY_POLL_MS = 50;

/** Resident bytes of a process (Linux /proc), or null where that cannot be read. */
function residentBytes(pid: number): number | null {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'latin1').split(' ')[1]);
    return Number.isFinite(pages) ? pages * 4096 : null;
  } catch {
    return null;
  }
}

/** How a task ended: the worker's last reply, or the document's failure (time, memory, crash). */
type Outcome =
  | { kind: 'reply'; reply: Exclude<WorkerReply, { kind: 'read' }>; sha256: string | null }
  | { kind: 'failed'; results: DocumentResult[] };

interface Job {
  task: WorkerTask;
  /** When a worker took it (ms), for the time a file takes. */
  startedAt: number | null;
  resolve: (outcome: Outcome) => void;
  /** Set once the worker has read the file: lets a failed document still replace its own row. */
  sha256: string | null;
  /** Set once the worker has read the file: OCR reads it (seconds a page). */
  ocr: boolean;
  /** The document's time: set when its first task starts, shared by all the tasks of a shared document. */
  clock: { deadline: number | null };
}

const ReplyResultsSchema = z.array(DocumentResultSchema).min(1);

/** A worker's results parsed by their schema, not cast: a malformed reply fails its file, saying where. */
function replyResults(results: unknown, path: string, sha256: string | null): DocumentResult[] {
  const parsed = ReplyResultsSchema.safeParse(results);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  return [failedDocument(path, sha256, `internal error: worker reply fails its schema at ${issue.path.join('.')}: ${issue.message}`)];
}

/** `count` pages in `parts` ranges of nearly equal length, in order. */
export function pageRanges(count: number, parts: number): Array<{ from: number; to: number }> {
  const n = Math.max(1, Math.min(parts, count));
  return Array.from({ length: n }, (_, i) => ({ from: Math.floor((i * count) / n) + 1, to: Math.floor(((i + 1) * count) / n) }));
}

interface Slot {
  child: ChildProcess;
  /** The task the worker is on (its time and memory watched)… */
  job: Job | null;
  /** …and those sent ahead, waiting in the worker in order (see PREFETCH_UNDER_MS). */
  ahead: Job[];
  timer: NodeJS.Timeout | null;
}

/**
 * Parsing in worker processes, one per core, each sent the next file as soon as it is free, so
 * this process only writes to SQLite. Processes, not threads: a document's memory is then what
 * the operating system counts for its process, which is read every 50 ms and bounded, and a
 * worker stuck in native code can still be killed. A document that runs out of time or memory,
 * or crashes its worker, fails with the reason; the worker is replaced and the run goes on.
 * Nothing here touches the input files: a file that blocks would block only its worker.
 */
class WorkerPool implements Processor {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closing = false;
  shared = 0;
  private readonly watchdog: NodeJS.Timeout;
  /** Files the run will send, files whose task has ended, and how long the last ones took a worker. */
  private expected = 0;
  private filesDone = 0;
  private readonly fileTimes: number[] = [];
  /**
   * This process's event loop when the pool started, and once the workers had warmed up: how busy
   * it has been since (MAIN_BUSY_MAX). Since the warm-up, not over the last few files: those dip
   * now and then, and one dip would let a worker in for good.
   */
  private readonly started = performance.eventLoopUtilization();
  private warm: EventLoopUtilization | null = null;

  constructor(private readonly script: string, private readonly slotCount: number, private readonly limits: Limits, private readonly preloadPdf: boolean) {
    // One worker to begin with; more as the work left shows they pay (grow).
    this.slots.push({ child: this.spawn(0), job: null, ahead: [], timer: null });
    this.watchdog = setInterval(() => this.checkMemory(), MEMORY_POLL_MS);
    this.watchdog.unref();
  }

  get workers(): number {
    return this.slots.length;
  }

  expect(files: number): void {
    this.expected = files;
  }

  /**
   * Another worker, when it pays. A worker spends about two seconds of CPU warming up (loading
   * pdf.js, V8 optimising it) before it reads at full speed, and on a small machine it takes that
   * time from the workers already busy: a folder read in a few seconds was slower with two workers
   * than with one (docs/performance.md). So a worker is added only while work waits for it and
   * either a worker is reading a scan (seconds of OCR a page) or a shared scan's pages wait, or
   * the files left, at the pace of the last ones (their median), would keep the running workers
   * busy longer than `GROW_AFTER_MS` each — and this process, which writes what they read, has
   * time to spare (MAIN_BUSY_MAX).
   */
  private grow(): void {
    while (this.slots.length < this.slotCount && this.queue.length > 0 && !this.slots.some((s) => s.job === null)) {
      const scans = this.slots.some((s) => s.job?.ocr === true) || this.queue.some((j) => j.task.kind !== 'file');
      if (!scans) {
        // The pace is known after a few files, or after one that took long (a scan's OCR).
        if (this.filesDone < WARM_FILES + PACE_FILES && this.fileTimes.reduce((a, b) => a + b, 0) < GROW_AFTER_MS) return;
        const pace = this.pace()!;
        const left = this.expected - this.filesDone - this.slots.length;
        if ((left * pace) / this.slots.length <= GROW_AFTER_MS) return;
        if (performance.eventLoopUtilization(performance.eventLoopUtilization(), this.warm ?? this.started).utilization > MAIN_BUSY_MAX) return;
      }
      const slot = this.slots.length;
      this.slots.push({ child: this.spawn(slot), job: null, ahead: [], timer: null });
      this.next(slot);
    }
  }

  private spawn(slot: number): ChildProcess {
    const child = fork(this.script, [], {
      // V8's own background threads (optimising compiler, garbage collector helpers) default to
      // four a process whatever the machine; the pool's workers and the main process share the
      // cores instead. On two cores this alone took a fifth off a small folder of PDFs read by one
      // worker (docs/performance.md).
      execArgv: [`--max-old-space-size=${this.limits.memoryMb}`, `--v8-pool-size=${Math.max(1, Math.floor(availableParallelism() / (this.slotCount + 1)))}`],
      // The recogniser's threads: the cores this worker has, so that the pool's workers do not crowd them.
      env: { ZIPIN_OCR_THREADS: String(Math.max(1, Math.floor(availableParallelism() / this.slotCount))), ...process.env, ZIPIN_PRELOAD_PDF: this.preloadPdf ? '1' : '' },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    child.on('message', (reply: WorkerReply) => {
      const s = this.slots[slot]!;
      if (s.child !== child || s.job?.task.id !== reply.id) return; // a late reply from a replaced worker
      if (reply.kind === 'read') {
        s.job.sha256 = reply.sha256;
        s.job.ocr = reply.ocr;
        if (reply.ocr) {
          this.takeBack(slot);
          this.grow();
        }
      }
      else this.finish(slot, { kind: 'reply', reply, sha256: s.job.sha256 });
    });
    child.on('exit', (code, signal) => {
      const s = this.slots[slot]!;
      if (s.child !== child || this.closing) return;
      // V8 ends a process whose heap is full with a fatal error (SIGABRT or exit 134).
      const reason = signal === 'SIGABRT' || code === 134 ? `out of memory (over ${this.limits.memoryMb} MB)` : `worker crashed (${signal ?? `exit ${code}`})`;
      this.fail(slot, reason);
    });
    return child;
  }

  private checkMemory(): void {
    const limit = this.limits.memoryMb * 1024 * 1024;
    this.slots.forEach((s, slot) => {
      if (s.job === null || s.child.pid === undefined) return;
      const rss = residentBytes(s.child.pid);
      if (rss !== null && rss > limit) this.fail(slot, `out of memory (over ${this.limits.memoryMb} MB)`);
    });
  }

  /** The slot's document failed for `reason`: answer it, replace the worker, go on. */
  private fail(slot: number, reason: string): void {
    const s = this.slots[slot]!;
    const job = s.job;
    if (s.timer) clearTimeout(s.timer);
    s.timer = null;
    s.job = null;
    // The tasks sent ahead were never begun: they wait for a worker again, first in line.
    this.queue.unshift(...s.ahead);
    s.ahead = [];
    s.child.kill('SIGKILL');
    if (job?.task.kind === 'file') this.filesDone++;
    if (this.closing) return;
    s.child = this.spawn(slot);
    if (job) {
      // Keyed by its hash, so that it meets the row its bytes wrote before (read off this thread).
      const hash = job.sha256 !== null ? Promise.resolve(job.sha256) : hashRegularFile(job.task.path);
      void hash.then((sha) => job.resolve({ kind: 'failed', results: [failedDocument(job.task.path, sha, reason)] }));
    }
    this.next(slot);
  }

  private finish(slot: number, result: Outcome): void {
    const s = this.slots[slot]!;
    if (s.timer) clearTimeout(s.timer);
    const job = s.job;
    s.job = null;
    s.timer = null;
    const following = s.ahead.shift();
    if (following) this.start(slot, following);
    if (job?.task.kind === 'file') {
      this.filesDone++;
      this.fileTimes.push(Date.now() - job.startedAt!);
      if (this.fileTimes.length > PACE_FILES) this.fileTimes.shift();
      if (this.filesDone === WARM_FILES) this.warm = performance.eventLoopUtilization();
    }
    job?.resolve(result);
    this.next(slot);
    this.grow();
  }

  /** Gives the slot the next task waiting: to begin, or to wait in the worker behind the one it is on (prefetch). */
  private next(slot: number): void {
    const s = this.slots[slot]!;
    if (s.job === null) {
      const job = this.queue.shift();
      if (job === undefined) return;
      this.start(slot, job);
      s.child.send(job.task);
    }
    while (s.ahead.length < PREFETCH_DEPTH && this.queue.length > 0 && this.quickFiles()) {
      const job = this.queue.shift()!;
      s.ahead.push(job);
      s.child.send(job.task);
    }
  }

  /**
   * A worker that has begun a scan (seconds a page) gives back the tasks sent ahead to it, while
   * another worker could start and take them: the worker skips each when it comes to it.
   */
  private takeBack(slot: number): void {
    const s = this.slots[slot]!;
    if (s.ahead.length === 0 || this.slots.length >= this.slotCount) return;
    for (const job of s.ahead) {
      const message: WorkerMessage = { id: job.task.id, kind: 'cancel' };
      s.child.send(message);
    }
    this.queue.unshift(...s.ahead);
    s.ahead = [];
  }

  /** The slot's worker is on `job` from now: its clock runs. */
  private start(slot: number, job: Job): void {
    const s = this.slots[slot]!;
    s.job = job;
    job.startedAt = Date.now();
    job.clock.deadline ??= Date.now() + this.limits.timeoutMs;
    s.timer = setTimeout(() => this.fail(slot, `timed out after ${this.limits.timeoutMs / 1000} s`), Math.max(0, job.clock.deadline - Date.now()));
  }

  /** The median time the last files took a worker (ms), or null before any is done. */
  private pace(): number | null {
    return this.fileTimes.length === 0 ? null : [...this.fileTimes].sort((a, b) => a - b)[Math.floor(this.fileTimes.length / 2)]!;
  }

  /** Whether the last files took a worker less than PREFETCH_UNDER_MS (their median). */
  private quickFiles(): boolean {
    const pace = this.pace();
    return pace !== null && pace < PREFETCH_UNDER_MS;
  }

  /** One task to the next free worker; `first`: ahead of the files waiting (the rest of a document begun). */
  private run(task: WorkerTask, clock: Job['clock'], first = false): Promise<Outcome> {
    return new Promise((resolve) => {
      const job: Job = { task, resolve, sha256: null, ocr: false, clock, startedAt: null };
      if (first) this.queue.unshift(job);
      else this.queue.push(job);
      const free = this.slots.findIndex((s) => s.job === null);
      if (free >= 0) this.next(free);
      else this.grow();
      // Else sent ahead to a worker with room for it (next decides whether files are quick enough).
      const open = this.slots.findIndex((s) => s.ahead.length < PREFETCH_DEPTH);
      if (open >= 0) this.next(open);
    });
  }

  /**
   * A file → its documents. A long PDF, when the pool has more than one worker, is read by
   * several: its pages in ranges, one per worker, then put together by one of them — the same
   * result as one worker reading it all, under the same time limit for the whole document.
   */
  async process(path: string): Promise<DocumentResult[]> {
    const clock = { deadline: null };
    const whole = await this.run({ id: this.nextId++, kind: 'file', path, share: this.slotCount }, clock);
    if (whole.kind === 'failed') return whole.results;
    if (whole.reply.kind !== 'split') return this.results(whole, path);
    const { pageCount } = whole.reply;
    const parts = await Promise.all(pageRanges(pageCount, this.slotCount)
      .map(({ from, to }) => this.run({ id: this.nextId++, kind: 'pages', path, from, to }, clock, true)));
    const broken = parts.find((p) => p.kind === 'failed' || p.reply.kind !== 'pages');
    if (broken) return broken.kind === 'failed' ? broken.results : this.results(broken, path);
    this.shared++;
    const pages = parts.flatMap((p) => (p.kind === 'reply' && p.reply.kind === 'pages' ? p.reply.pages : []));
    const sha256 = whole.sha256!;
    return this.results(await this.run({ id: this.nextId++, kind: 'assemble', path, sha256, pageCount, pages }, clock, true), path);
  }

  /** A task's final outcome as results: what a `done` reply holds, checked by its schema. */
  private results(outcome: Outcome, path: string): DocumentResult[] {
    if (outcome.kind === 'failed') return outcome.results;
    if (outcome.reply.kind === 'done') return replyResults(outcome.reply.results, path, outcome.sha256);
    return [failedDocument(path, outcome.sha256, `internal error: worker replied "${outcome.reply.kind}" where results were due`)];
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.watchdog);
    for (const s of this.slots) if (s.timer) clearTimeout(s.timer);
    await Promise.all(this.slots.map((s) => new Promise<void>((resolve) => {
      if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
      s.child.once('exit', () => resolve());
      s.child.kill('SIGKILL');
    })));
  }
}

/**
 * Worker processes when the compiled worker exists (the CLI); in the calling process under
 * tests on src/. `preloadPdf`: PDFs are coming, so the workers load pdf.js as soon as they start.
 */
export function createProcessor(concurrency: number, limits: Limits = DEFAULT_LIMITS, preloadPdf = false): Processor {
  const script = fileURLToPath(new URL('./worker.js', import.meta.url));
  return existsSync(script) ? new WorkerPool(script, concurrency, limits, preloadPdf) : new InlineProcessor();
}
