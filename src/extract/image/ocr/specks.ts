import type { Gray } from './raster.js';

/**
 * Scanner speckle: blobs of ink at most `maxSize` pixels across with no other ink within
 * `isolation` pixels. Connected components are found run by run (8-connected); a small blob
 * beside other ink — a decimal point, a full stop, the dot of a character — is kept.
 * Clears the speckle from the mask and paints it white in the image; returns how many went.
 */
export function removeSpeckle(image: Gray, mask: Uint8Array, maxSize: number, isolation: number): number {
  const { width, height } = image;
  // Runs of ink per row, and a union-find over them.
  const runRow: number[] = [];
  const runFrom: number[] = [];
  const runTo: number[] = [];
  const parent: number[] = [];
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  let previous: number[] = [];
  for (let y = 0; y < height; y++) {
    const current: number[] = [];
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (mask[row + x] === 0) continue;
      const from = x;
      while (x < width && mask[row + x] === 1) x++;
      const id = runRow.length;
      runRow.push(y);
      runFrom.push(from);
      runTo.push(x); // exclusive
      parent.push(id);
      for (const p of previous) {
        if (runFrom[p]! <= x && runTo[p]! >= from) parent[find(p)] = find(id); // touching diagonally counts
      }
      current.push(id);
    }
    previous = current;
  }
  const box = new Map<number, { x0: number; y0: number; x1: number; y1: number; runs: number[] }>();
  for (let i = 0; i < parent.length; i++) {
    const root = find(i);
    const b = box.get(root);
    if (!b) box.set(root, { x0: runFrom[i]!, x1: runTo[i]!, y0: runRow[i]!, y1: runRow[i]! + 1, runs: [i] });
    else if (b.runs.length <= maxSize * maxSize) {
      b.x0 = Math.min(b.x0, runFrom[i]!);
      b.x1 = Math.max(b.x1, runTo[i]!);
      b.y1 = runRow[i]! + 1;
      b.runs.push(i);
    } else b.x1 = Infinity; // many runs: no speck
  }
  let removed = 0;
  for (const b of box.values()) {
    if (b.x1 - b.x0 > maxSize || b.y1 - b.y0 > maxSize) continue;
    let other = 0;
    const x0 = Math.max(0, b.x0 - isolation);
    const x1 = Math.min(width, b.x1 + isolation);
    const y0 = Math.max(0, b.y0 - isolation);
    const y1 = Math.min(height, b.y1 + isolation);
    for (let y = y0; y < y1 && other === 0; y++) {
      for (let x = x0; x < x1; x++) {
        if (mask[y * width + x] === 1 && (x < b.x0 || x >= b.x1 || y < b.y0 || y >= b.y1)) {
          other++;
          break;
        }
      }
    }
    if (other > 0) continue;
    for (const r of b.runs) {
      for (let x = runFrom[r]!; x < runTo[r]!; x++) {
        mask[runRow[r]! * width + x] = 0;
        image.data[runRow[r]! * width + x] = 255;
      }
    }
    removed++;
  }
  return removed;
}
