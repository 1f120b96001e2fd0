/**
 * An expected failure of one document (bad bytes, unreadable file, no text layer...).
 * Its message is one line meant for the person running zipin; no stack trace is shown for it.
 */
export class DocumentError extends Error {
  override readonly name = 'DocumentError';
}
