import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import { DocumentRecordSchema, type DocumentResult } from '../model/document.js';
import { DocumentError, extract, type PageTrace } from '../extract/index.js';
import { sniff } from '../extract/sniff.js';
import { readZip } from '../extract/archive/zip.js';
import type { ValidatedEvaluation } from '../model/evaluation.js';
import { flag } from '../model/flag.js';
import type { DocumentFormat, ExtractedDocument, Row } from '../model/table.js';
import { FORM_SENSE } from '../form/sense.js';
import { garbledSample } from '../parse/garbled.js';
import { PIPELINE_VERSION } from '../version.js';
import { errnoReason, InputError } from './input.js';
import { checked, evaluate } from './stages.js';
import { whyNoForm } from '../segment/why.js';

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
  return processExtracted(() => extract(bytes, source, FORM_SENSE, seen?.pages), source, hash, seen);
}

/**
 * A document's extraction (`read`: here, or the pages several workers read, put together) and the
 * stages after it; never throws, as processDocument.
 */
export async function processExtracted(read: () => Promise<ExtractedDocument>, source: string, hash: string, seen?: SeenDocument): Promise<DocumentResult> {
  const base = {
    sha256: hash, source, url: null, extractedAt: new Date().toISOString(), pipelineVersion: PIPELINE_VERSION,
  };
  try {
    const doc = await read();
    seen?.rows.push(...doc.rows);
    const evaluations = withFormatFlag(evaluate(doc, source), source, doc.format);
    // Nothing found in a garbled text layer: say why, or the file looks like it holds no form.
    const garbled = evaluations.length > 0 ? null : garbledSample(doc.rows);
    const document = checked('validate', DocumentRecordSchema, {
      ...base, format: doc.format, pages: doc.pages, status: evaluations.length > 0 ? 'ok' : 'no_blocks',
      error: evaluations.length > 0 ? null : garbled === null ? whyNoForm(doc)
        : `the text looks garbled ("${garbled}"): the PDF maps its glyphs to wrong characters (a broken ToUnicode map), so no form could be read`,
    });
    return { document, evaluations };
  } catch (error) {
    // The file's fault in its own words; a stage's bug named by its stage (StageError) or as it is.
    const reason = error instanceof DocumentError ? error.message : `internal error: ${oneLine(error)}`;
    return { document: { ...base, format: null, pages: null, status: 'failed', error: reason }, evaluations: [] };
  }
}

/** What a file's name says it holds. */
const NAMED: Record<string, DocumentFormat> = {
  '.pdf': 'pdf', '.xlsx': 'xlsx', '.xls': 'xls', '.et': 'xls', '.docx': 'docx', '.doc': 'doc', '.wps': 'doc', '.html': 'html', '.htm': 'html', '.mht': 'html', '.mhtml': 'html', '.txt': 'text', '.tsv': 'text', '.text': 'text',
  '.png': 'image', '.jpg': 'image', '.jpeg': 'image', '.tif': 'image', '.tiff': 'image', '.ofd': 'ofd',
};

/** A file whose name promises another format than its bytes hold is read as what it is, and each of its evaluations says so. */
function withFormatFlag(evaluations: ValidatedEvaluation[], source: string, format: DocumentFormat): ValidatedEvaluation[] {
  const ext = extname(source).toLowerCase();
  const named = NAMED[ext];
  if (named === undefined || named === format) return evaluations;
  const note = flag('format_mismatch', 'info', `the file is named ${ext} but holds ${format}: read as ${format}`);
  return evaluations.map((e) => ({ ...e, flags: [...e.flags, note] }));
}

/** Archives inside archives are opened this deep (a .zip in a .zip), no deeper. */
const MAX_ARCHIVE_DEPTH = 2;

/**
 * One file's bytes → its documents: the file itself, or — for a ZIP, 7z or RAR archive — each
 * member as a document of its own (`source` = `archive.zip!/folder/member.xls`), archives inside
 * it opened once more. A broken, encrypted or oversized archive (members, bytes, ratio: see
 * ZIP_LIMITS) is one failed document with the reason; so is an empty one.
 */
export async function processFile(bytes: Uint8Array, source: string, hash = sha256(bytes), depth = 0): Promise<DocumentResult[]> {
  const kind = sniff(bytes);
  if (kind !== 'zip' && kind !== '7z' && kind !== 'rar') return [await processDocument(bytes, source, hash)];
  if (depth >= MAX_ARCHIVE_DEPTH) return [failedDocument(source, hash, 'archive nested too deep (an archive in an archive in an archive)')];
  let members;
  try {
    // The WebAssembly readers of 7z (7-Zip) and RAR (unrar) load with the first archive of theirs.
    if (kind === 'zip') members = readZip(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    else if (kind === '7z') members = await (await import('../extract/archive/sevenzip.js')).readSevenZip(bytes);
    else members = await (await import('../extract/archive/rar.js')).readRar(bytes);
  } catch (error) {
    return [failedDocument(source, hash, error instanceof DocumentError ? error.message : `cannot read archive: ${oneLine(error)}`)];
  }
  if (members.length === 0) return [failedDocument(source, hash, 'empty archive (no files in it)')];
  const results: DocumentResult[] = [];
  for (const member of members) {
    const name = `${source}!/${member.name}`;
    let data: Buffer;
    try {
      data = member.read();
    } catch (error) {
      results.push(failedDocument(name, null, error instanceof DocumentError ? error.message : oneLine(error)));
      continue;
    }
    results.push(...await processFile(data, name, sha256(data), depth + 1));
  }
  return results;
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
