/** A one-line progress bar on a terminal (stderr); silent when stderr is not a TTY. */
export class ProgressBar {
  private last = 0;
  private shown = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(done: number, total: number, detail: string): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (done < total && now - this.last < 100) return;
    this.last = now;
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    this.stream.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${detail}`);
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
