import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';

const DECODERS: Readonly<Record<string, (bytes: Uint8Array) => Buffer>> = {
  deflate: inflateSync, 'deflate-raw': inflateRawSync, gzip: gunzipSync, brotli: brotliDecompressSync,
};

/**
 * What pdf.js asks of `DecompressionStream` (a writer it writes a stream's bytes to and closes, a
 * readable it reads the decoded bytes from), answered by zlib in this thread at once.
 *
 * pdf.js decodes every Flate stream (content streams, fonts, images) through the web
 * `DecompressionStream`, which Node runs as web streams over zlib on the libuv thread pool: each
 * stream costs promise and stream machinery on the JavaScript thread, which then waits idle for
 * the pool (a quarter of a PDF's time on the test fixtures), and the pool's thread takes a second
 * core, so that two workers had two processes' CPU but not two processes' speed. Decoding where
 * pdf.js waits anyway does the same work once, on one core.
 *
 * Bytes zlib cannot decode throw, as `DecompressionStream` rejects them, and pdf.js falls back to
 * its own decoder (which reads what it can of a damaged stream). A stream that decodes to more
 * than memory holds is the worker's memory limit's to stop, as before.
 */
export class InThreadDecompressionStream {
  readonly writable: { getWriter(): { ready: Promise<void>; write(bytes: Uint8Array): Promise<void>; close(): Promise<void> } };
  readonly readable: AsyncIterable<Uint8Array>;

  constructor(format: string) {
    const decode = DECODERS[format];
    if (decode === undefined) throw new TypeError(`DecompressionStream: unsupported format ${format}`);
    const written: Uint8Array[] = [];
    let closed!: () => void;
    const done = new Promise<void>((resolve) => { closed = resolve; });
    const ready = Promise.resolve();
    this.writable = {
      getWriter: () => ({
        ready,
        write: (bytes) => { written.push(bytes); return ready; },
        close: () => { closed(); return ready; },
      }),
    };
    this.readable = {
      async* [Symbol.asyncIterator]() {
        await done;
        yield decode(written.length === 1 ? written[0]! : Buffer.concat(written));
      },
    };
  }
}
