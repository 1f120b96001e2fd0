import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Handler = (req: IncomingMessage, res: ServerResponse, site: Site) => void | Promise<void>;

/**
 * A real HTTP server on the loopback interface for the crawler's tests: static files with ETag /
 * Last-Modified (and 304s), plus handlers for the failure modes a disclosure site shows.
 */
export class Site {
  readonly files = new Map<string, { body: Buffer; type: string; modified: Date }>();
  readonly handlers = new Map<string, Handler>();
  /** Every request: path, status sent, method, and when it arrived (ms since the epoch). */
  readonly requests: Array<{ path: string; status: number; method: string; at: number }> = [];
  private server: Server | null = null;
  origin = '';

  constructor(private readonly host = '127.0.0.1') {}

  setFile(path: string, body: string | Buffer, type: string, modified = new Date('2024-01-01T00:00:00Z')): void {
    this.files.set(path, { body: Buffer.from(body), type, modified });
  }

  on(path: string, handler: Handler): void {
    this.handlers.set(path, handler);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const at = Date.now();
      res.on('finish', () => this.requests.push({ path, status: res.statusCode, method: req.method ?? 'GET', at }));
      const handler = this.handlers.get(path);
      if (handler) {
        void handler(req, res, this);
        return;
      }
      const file = this.files.get(path);
      if (!file) {
        res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>404 Not Found</body></html>');
        return;
      }
      const etag = `"${createHash('sha1').update(file.body).digest('hex')}"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag }).end();
        return;
      }
      res.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length, etag, 'last-modified': file.modified.toUTCString() });
      res.end(file.body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, this.host, resolve));
    this.origin = `http://${this.host}:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Attachment downloads (200s) since `from` (an index into `requests`). */
  downloads(from = 0, pattern = /\/(files|docs)\//): string[] {
    return this.requests.slice(from).filter((r) => r.status === 200 && pattern.test(r.path)).map((r) => r.path);
  }
}
