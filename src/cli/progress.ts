/** A one-line progress bar on a terminal (stderr); silent when stderr is not a TTY. */
export class ProgressBar {
  private last = 0;
  private shown = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(done: number, total: number, detail: string): void {
    const width = 30;
    // An archive's members are documents of their own: more may be done than the files counted.
    const of = Math.max(done, total);
    const filled = of === 0 ? width : Math.round((done / of) * width);
    this.draw(`[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${of} ${detail}`, done >= of);
  }

  /** Counts alone, where no total is known (a crawl finds its work as it goes). */
  status(detail: string): void {
    this.draw(detail, false);
  }

  private draw(line: string, force: boolean): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    this.stream.write(`\r\x1b[K${line}`);
    this.shown = true;
  }

  /** Print a message above the bar. */
  log(message: string): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.stream.write(`${message}\n`);
  }

  done(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}
