type Listener = (this: InThreadPort, event: { data: unknown }) => void;

/** Each message is delivered in a microtask of its own, in the order they were posted. */
const DELIVERY = Promise.resolve();

/** An operator list chunk as pdf.js's worker side streams it (`OperatorList.flush`). */
interface OperatorChunk {
  chunk: { fnArray: unknown[]; argsArray: unknown[] };
}

const isOperatorChunk = (data: unknown): data is OperatorChunk => {
  const chunk = (data as { chunk?: { fnArray?: unknown; argsArray?: unknown } } | null)?.chunk;
  return Array.isArray(chunk?.fnArray) && Array.isArray(chunk.argsArray);
};

/**
 * The channel between pdf.js's document side and its worker side when both run in this thread
 * (as they do in Node), in place of pdf.js's own loopback port, which structured-clones every
 * message as if it crossed to another thread. Most of that copying is of operator lists — a
 * seventh of a PDF's reading time on the test fixtures, and the garbage it leaves — although
 * nothing on the other side is another thread's: an operator list chunk is handed over with its
 * two arrays copied (the worker side empties them for the next chunk as soon as it has sent
 * them) and its operators' arguments as they are, which neither side changes after. Every other
 * message is cloned as before.
 *
 * One port, as pdf.js's loopback: both sides listen on it, and each takes the messages addressed
 * to it.
 */
export class InThreadPort {
  private readonly listeners = new Set<Listener>();

  postMessage(data: unknown, transfer?: Transferable[]): void {
    const event = {
      data: isOperatorChunk(data)
        ? { ...data, chunk: { ...data.chunk, fnArray: data.chunk.fnArray.slice(), argsArray: data.chunk.argsArray.slice() } }
        : structuredClone(data, transfer ? { transfer } : undefined),
    };
    void DELIVERY.then(() => {
      for (const listener of this.listeners) listener.call(this, event);
    });
  }

  addEventListener(_type: 'message', listener: Listener): void {
    this.listeners.add(listener);
  }

  removeEventListener(_type: 'message', listener: Listener): void {
    this.listeners.delete(listener);
  }

  terminate(): void {
    this.listeners.clear();
  }
}
