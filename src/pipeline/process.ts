import { createHash } from 'node:crypto';
import { DocumentRecordSchema, type DocumentResult } from '../model/document.js';
import { DocumentError, extract, type PageTrace } from '../extract/index.js';
import type { Row } from '../model/table.js';
import { FORM_SENSE } from '../form/sense.js';
import { garbledSample } from '../parse/garbled.js';
import { PIPELINE_VERSION } from '../version.js';
import { errnoReason, InputError } from './input.js';
import { checked, checkedExtraction, evaluate } from './stages.js';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim() || 'unknown error';
}

/** What the extractor saw, collected for drawing it (`inspect --draw`): each page, and the rows. */
export interface SeenDocument {
  pages: PageTrace[];
  rows: Row[];
}

/**
 * One file's bytes through every stage: extract → segment → parse → normalize → validate.
 * Never throws: an expected failure becomes status `failed` with a one-line reason, and so
 * does an unexpected one (prefixed "internal error") so the run can go on.
 */
export async function processDocument(bytes: Uint8Array, source: string, hash = sha256(bytes), seen?: SeenDocument): Promise<DocumentResult> {
  const base = {
    sha256: hash, source, url: null, extractedAt: new Date().toISOString(), pipelineVersion: PIPELINE_VERSION,
  };
  try {
    const doc = checkedExtraction(await extract(bytes, source, FORM_SENSE, seen?.pages));
    seen?.rows.push(...doc.rows);
    const evaluations = evaluate(doc);
    // Nothing found in a garbled text layer: say why, or the file looks like it holds no form.
    const garbled = evaluations.length > 0 ? null : garbledSample(doc.rows.flatMap((r) => r.cells));
    const document = checked('validate', DocumentRecordSchema, {
      ...base, format: doc.format, pages: doc.pages, status: evaluations.length > 0 ? 'ok' : 'no_blocks',
      error: garbled === null ? null : `the text looks garbled ("${garbled}"): the PDF maps its glyphs to wrong characters (a broken ToUnicode map), so no form could be read`,
    });
    return { document, evaluations };
  } catch (error) {
    // The file's fault in its own words; a stage's bug named by its stage (StageError) or as it is.
    const reason = error instanceof DocumentError ? error.message : `internal error: ${oneLine(error)}`;
    return { document: { ...base, format: null, pages: null, status: 'failed', error: reason }, evaluations: [] };
  }
}

/** A document that failed outside the stages (time or memory limit, crashed worker). */
export function failedDocument(source: string, sha: string | null, reason: string): DocumentResult {
  return {
    document: {
      sha256: sha, source, url: null, format: null, pages: null, extractedAt: new Date().toISOString(),
      pipelineVersion: PIPELINE_VERSION, status: 'failed', error: reason,
    },
    evaluations: [],
  };
}

/** A file that could not even be read: no bytes, so no hash. */
export function unreadableDocument(source: string, error: unknown): DocumentResult {
  return failedDocument(source, null, error instanceof InputError ? error.message : `cannot read file: ${errnoReason(error)}`);
}
