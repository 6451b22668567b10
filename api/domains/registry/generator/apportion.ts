/**
 * Integer splits used to shape the demo election: a total over weighted items
 * within bounds (largest remainder), and contiguous groups of balanced weight.
 */

/**
 * Splits `total` into one integer per weight, each in [min, max], proportional to
 * the weights as far as the bounds allow (Hamilton's largest-remainder method,
 * re-run on the uncapped items whenever one hits `max`). Deterministic: ties go
 * to the earlier item.
 */
export function apportion(
  total: number,
  weights: readonly number[],
  min = 0,
  max = Number.POSITIVE_INFINITY,
): number[] {
  const n = weights.length;
  if (n * min > total || n * max < total)
    throw new RangeError(`cannot split ${total} into ${n} parts within [${min}, ${max}]`);
  const out = new Array<number>(n).fill(min);
  let left = total - n * min;
  const open = new Set(weights.map((_, i) => i));
  while (left > 0) {
    const idx = [...open];
    const w = idx.reduce((s, i) => s + weights[i]!, 0);
    const quota = idx.map((i) => (w > 0 ? (left * weights[i]!) / w : left / idx.length));
    let given = 0;
    let capped = false;
    idx.forEach((i, k) => {
      const room = max - out[i]!;
      const g = Math.min(Math.floor(quota[k]!), room);
      out[i]! += g;
      given += g;
      if (out[i] === max) {
        open.delete(i);
        capped = true;
      }
    });
    left -= given;
    if (capped || left === 0) continue;
    // Remainders, largest first, one each.
    const order = idx
      .map((i, k) => ({ i, r: quota[k]! - Math.floor(quota[k]!) }))
      .sort((a, b) => b.r - a.r || a.i - b.i);
    for (const { i } of order) {
      if (left === 0) break;
      if (out[i]! < max) {
        out[i]!++;
        left--;
        if (out[i] === max) open.delete(i);
      }
    }
  }
  return out;
}

/**
 * Cuts `weights` (in order) into `k` non-empty contiguous groups whose weights are
 * as even as a greedy cut allows. Returns each group's [start, end) indexes.
 */
export function contiguousGroups(weights: readonly number[], k: number): [number, number][] {
  const n = weights.length;
  if (k < 1 || k > n) throw new RangeError(`cannot cut ${n} items into ${k} groups`);
  const total = weights.reduce((s, w) => s + w, 0);
  const out: [number, number][] = [];
  let start = 0;
  let acc = 0;
  for (let g = 0; g < k; g++) {
    if (g === k - 1) {
      out.push([start, n]);
      break;
    }
    const target = (total * (g + 1)) / k;
    let end = start + 1;
    acc += weights[start]!;
    // Take more while it brings the cut closer to the target and leaves one item per later group.
    while (
      end < n - (k - g - 1) &&
      Math.abs(acc + weights[end]! - target) < Math.abs(acc - target)
    ) {
      acc += weights[end]!;
      end++;
    }
    out.push([start, end]);
    start = end;
  }
  return out;
}
