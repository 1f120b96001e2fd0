import { openCompoundFile, topLevelStream } from './cfb.js';
import { DocumentError } from '../errors.js';

/**
 * The binary structures of a Word 97–2003 document ([MS-DOC]) that its text and tables need:
 * the compound file's streams, the FIB, the piece table (where each run of characters is stored,
 * 8-bit or UTF-16) and each paragraph's properties (in a table? the row's end? the row's cell
 * boundaries and merges). Everything is bounds-checked: the bytes come from the internet.
 */

/** One run of characters: document positions [cpStart, cpEnd) stored from byte `fc` on. */
interface Piece { cpStart: number; cpEnd: number; fc: number; compressed: boolean }

/** Cell boundaries (twips) and per-cell merge marks of one table row (sprmTDefTable, sprmTVertMerge). */
export interface RowDefinition {
  /** n + 1 boundaries for n cells, left to right. */
  edges: number[];
  /** Per cell: 'first' opens a horizontal merge, 'merged' continues it (legacy TC80 flags). */
  across: Array<'first' | 'merged' | null>;
  /** Per cell: 'restart' opens a vertical merge, 'continue' goes on with the cell above. */
  down: Array<'restart' | 'continue' | null>;
}

/** What zipin reads of a paragraph's properties. */
export interface ParagraphProperties {
  /** Table depth: 0 outside tables, 1 in a table, 2+ in a nested one. */
  depth: number;
  /** The paragraph is a row's end mark (its properties carry the row's definition). */
  rowEnd: boolean;
  row: RowDefinition | null;
}

const NO_PROPERTIES: ParagraphProperties = { depth: 0, rowEnd: false, row: null };

/** A Word 97 file's main text, with the properties of the paragraph each end mark closes. */
export interface Word97Text {
  /** The main document's characters (no headers, footnotes or text boxes). */
  text: string;
  /** Properties of the paragraph ended by the mark (\r or \x07) at a text position. */
  paragraphAt(cp: number): ParagraphProperties;
}

const MAX_PIECES = 100_000;

export function readWord97(bytes: Uint8Array): Word97Text {
  const file = openCompoundFile(bytes, 'Word 97 document');
  const main = topLevelStream(file, 'WordDocument');
  if (!main || main.length < 0x1aa) throw new DocumentError('not a readable Word 97 document: no WordDocument stream, or one too short for its header');
  if (main.readUInt16LE(0) !== 0xa5ec) throw new DocumentError('not a readable Word 97 document: the WordDocument stream has no Word header');
  const nFib = main.readUInt16LE(2);
  if (nFib < 0xc0) throw new DocumentError(`unsupported file type: a Word 6/95 document (version ${nFib}), which zipin does not read`);
  const flags = main.readUInt16LE(0x0a);
  if (flags & 0x0100) throw new DocumentError('encrypted Word document (password-protected): cannot read it');
  const table = topLevelStream(file, flags & 0x0200 ? '1Table' : '0Table');
  if (!table) throw new DocumentError('not a readable Word 97 document: its table stream is missing');
  try {
    const ccpText = main.readInt32LE(76);
    const pieces = readPieces(table.subarray(main.readUInt32LE(0x1a2), main.readUInt32LE(0x1a2) + main.readUInt32LE(0x1a6)));
    const { text, fcs } = readText(main, pieces, ccpText);
    const properties = paragraphProperties(main, table, topLevelStream(file, 'Data'), main.readUInt32LE(0x102), main.readUInt32LE(0x106));
    return { text, paragraphAt: (cp) => properties(fcs.get(cp) ?? -1) };
  } catch (error) {
    if (error instanceof DocumentError) throw error;
    throw new DocumentError(`not a readable Word 97 document: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** The Clx: property runs (skipped), then the piece table. */
function readPieces(clx: Buffer): Piece[] {
  let at = 0;
  while (at < clx.length && clx[at] === 0x01) at += 3 + clx.readUInt16LE(at + 1);
  if (clx[at] !== 0x02) throw new DocumentError('not a readable Word 97 document: no piece table');
  const size = clx.readUInt32LE(at + 1);
  const plc = clx.subarray(at + 5, at + 5 + size);
  const n = Math.floor((plc.length - 4) / 12);
  if (n < 1 || n > MAX_PIECES) throw new DocumentError(`not a readable Word 97 document: ${n} pieces of text`);
  const pieces: Piece[] = [];
  for (let i = 0; i < n; i++) {
    const raw = plc.readUInt32LE(4 * (n + 1) + 8 * i + 2);
    const compressed = (raw & 0x40000000) !== 0;
    const fc = raw & 0x3fffffff;
    pieces.push({ cpStart: plc.readUInt32LE(4 * i), cpEnd: plc.readUInt32LE(4 * (i + 1)), fc: compressed ? fc / 2 : fc, compressed });
  }
  return pieces;
}

const cp1252 = new TextDecoder('windows-1252');

/** The main text, and the byte position of every paragraph or cell end mark (for its properties). */
function readText(main: Buffer, pieces: Piece[], ccpText: number): { text: string; fcs: Map<number, number> } {
  const parts: string[] = [];
  const fcs = new Map<number, number>();
  let cp = 0;
  for (const piece of pieces) {
    if (piece.cpStart >= ccpText) break;
    const count = Math.min(piece.cpEnd, ccpText) - piece.cpStart;
    if (count <= 0) continue;
    const width = piece.compressed ? 1 : 2;
    const end = piece.fc + count * width;
    if (end > main.length) throw new DocumentError('not a readable Word 97 document: a piece of text runs past the end of its stream');
    const bytes = main.subarray(piece.fc, end);
    const part = piece.compressed ? cp1252.decode(bytes) : bytes.toString('utf16le');
    for (let i = 0; i < part.length; i++) {
      const c = part.charCodeAt(i);
      if (c === 0x0d || c === 0x07) fcs.set(cp + i, piece.fc + i * width);
    }
    parts.push(part);
    cp += part.length;
  }
  return { text: parts.join(''), fcs };
}

/**
 * PlcBtePapx → the properties of the paragraph whose end mark is at a byte position: find the
 * 512-byte PapxFkp page covering it, the run in that page, and read the run's sprms.
 */
function paragraphProperties(main: Buffer, table: Buffer, data: Buffer | null, fc: number, lcb: number): (at: number) => ParagraphProperties {
  const plc = table.subarray(fc, fc + lcb);
  const n = Math.floor((plc.length - 4) / 8);
  const starts = Array.from({ length: Math.max(0, n + 1) }, (_, i) => plc.readUInt32LE(4 * i));
  const pages = Array.from({ length: Math.max(0, n) }, (_, i) => plc.readUInt32LE(4 * (n + 1) + 4 * i) & 0x3fffff);
  const cache = new Map<number, ParagraphProperties>();
  return (at) => {
    if (at < 0) return NO_PROPERTIES;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    if (n === 0 || at < starts[lo]! || at >= starts[lo + 1]!) return NO_PROPERTIES;
    const page = main.subarray(pages[lo]! * 512, pages[lo]! * 512 + 512);
    if (page.length < 512) throw new DocumentError('not a readable Word 97 document: a paragraph property page lies past the end of its stream');
    const runs = page[511]!;
    for (let i = 0; i < runs; i++) {
      if (at < page.readUInt32LE(4 * i) || at >= page.readUInt32LE(4 * (i + 1))) continue;
      const key = pages[lo]! * 512 + i;
      let properties = cache.get(key);
      if (!properties) {
        properties = readPapx(page, page[4 * (runs + 1) + 13 * i]! * 2, data);
        cache.set(key, properties);
      }
      return properties;
    }
    return NO_PROPERTIES;
  };
}

/** A PapxInFkp at `offset` of its page (0: default properties). */
function readPapx(page: Buffer, offset: number, data: Buffer | null): ParagraphProperties {
  if (offset === 0) return NO_PROPERTIES;
  let size = page[offset]! * 2 - 1;
  let start = offset + 1;
  if (page[offset] === 0) {
    size = page[offset + 1]! * 2;
    start = offset + 2;
  }
  return readSprms(page.subarray(start + 2, start + size), data); // past the istd (style)
}

/** The operand size of a sprm, by its spra (bits 13–15); variable ones say it in their first byte(s). */
function operandSize(sprm: number, grpprl: Buffer, at: number): { skip: number; size: number } {
  switch (sprm >> 13) {
    case 0: case 1: return { skip: 0, size: 1 };
    case 2: case 4: case 5: return { skip: 0, size: 2 };
    case 3: return { skip: 0, size: 4 };
    case 7: return { skip: 0, size: 3 };
    default:
      // sprmTDefTable and sprmPChgTabs: a 2-byte count (TDefTable's one more than what follows)
      if (sprm === 0xd608) return { skip: 2, size: grpprl.readUInt16LE(at) - 1 };
      return { skip: 1, size: grpprl[at]! };
  }
}

function readSprms(grpprl: Buffer, data: Buffer | null): ParagraphProperties {
  let inTable = false;
  let rowEnd = false;
  let depth: number | null = null;
  let row: RowDefinition | null = null;
  const vertical: Array<[number, number]> = [];
  for (let at = 0; at + 2 <= grpprl.length;) {
    const sprm = grpprl.readUInt16LE(at);
    const { skip, size } = operandSize(sprm, grpprl, at + 2);
    const operand = grpprl.subarray(at + 2 + skip, at + 2 + skip + Math.max(0, size));
    at += 2 + skip + Math.max(0, size);
    switch (sprm) {
      case 0x2416: inTable = operand[0] === 1; break; // sprmPFInTable
      case 0x2417: rowEnd = operand[0] === 1; break; // sprmPFTtp
      case 0x6649: depth = operand.length >= 4 ? operand.readInt32LE(0) : null; break; // sprmPItap
      case 0xd608: row = rowDefinition(operand); break; // sprmTDefTable
      case 0xd62b: if (operand.length >= 2) vertical.push([operand[0]!, operand[1]!]); break; // sprmTVertMerge
      case 0x6646: { // sprmPHugePapx: the properties stand in the Data stream
        const offset = operand.length >= 4 ? operand.readUInt32LE(0) : -1;
        if (data && offset >= 0 && offset + 2 <= data.length) return readSprms(data.subarray(offset + 2, offset + 2 + data.readUInt16LE(offset)), null);
        break;
      }
    }
  }
  if (row) for (const [cell, flags] of vertical) if (cell < row.down.length) row.down[cell] = flags === 3 ? 'restart' : flags === 1 ? 'continue' : null;
  return { depth: depth ?? (inTable ? 1 : 0), rowEnd, row };
}

/** TDefTableOperand: cell count, n + 1 boundaries, then a TC80 (20 bytes) per cell. */
function rowDefinition(operand: Buffer): RowDefinition | null {
  const n = operand[0] ?? 0;
  if (n < 1 || operand.length < 1 + 2 * (n + 1)) return null;
  const edges = Array.from({ length: n + 1 }, (_, i) => operand.readInt16LE(1 + 2 * i));
  const across: RowDefinition['across'] = [];
  const down: RowDefinition['down'] = [];
  for (let i = 0; i < n; i++) {
    const at = 1 + 2 * (n + 1) + 20 * i;
    const tcgrf = at + 2 <= operand.length ? operand.readUInt16LE(at) : 0;
    const horizontal = tcgrf & 0x3;
    const vertical = (tcgrf >> 5) & 0x3;
    across.push(horizontal === 1 ? 'first' : horizontal >= 2 ? 'merged' : null);
    down.push(vertical === 3 ? 'restart' : vertical === 1 ? 'continue' : null);
  }
  return { edges, across, down };
}
