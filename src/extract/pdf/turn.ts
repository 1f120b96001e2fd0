import { multiply, type Matrix } from './geometry.js';
import type { PageView } from './graphics.js';
import type { Writing } from './shown-text.js';

/**
 * Pages stored turned: a page whose /Rotate shows its text sideways or upside down (a viewer's
 * "rotate and save"), or a landscape table drawn turned on a portrait page. The page is read in
 * the orientation its text is written in — the way a person turns the paper to read it.
 */

/** How far a page was turned clockwise: its text runs down (90), left (180) or up (270). */
export type Turn = 0 | 90 | 180 | 270;

/** Text running another way than rightwards must be most of the page's, and at least this many characters, to turn it. */
const MIN_TURNED_CHARACTERS = 20;
const MIN_TURNED_SHARE = 0.6;

/** The turn a page's text shows: the way most of it runs, when that is not rightwards. */
export function turnOf(writing: Writing): Turn {
  const total = writing.reduce((a, b) => a + b, 0);
  let way = 0;
  for (let w = 1; w < 4; w++) if (writing[w]! > writing[way]!) way = w;
  if (way === 0 || writing[way]! < MIN_TURNED_CHARACTERS || writing[way]! < MIN_TURNED_SHARE * total) return 0;
  return (way * 90) as Turn;
}

/** The page's device space turned back by `turn`: text that ran down, left or up runs right, the page's width and height swapped for a quarter turn. */
export function turnedView(view: PageView, turn: Turn): PageView {
  if (turn === 0) return view;
  const { width: w, height: h } = view;
  // Device space, y down: (x, y) → the point where it lands once the page is turned back.
  const back: Record<Exclude<Turn, 0>, Matrix> = {
    90: [0, -1, 1, 0, 0, w], // (x, y) → (y, w − x)
    180: [-1, 0, 0, -1, w, h], // (x, y) → (w − x, h − y)
    270: [0, 1, -1, 0, h, 0], // (x, y) → (h − y, x)
  };
  const quarter = turn !== 180;
  return { transform: multiply(back[turn], view.transform), width: quarter ? h : w, height: quarter ? w : h };
}
