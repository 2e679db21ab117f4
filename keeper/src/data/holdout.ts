/** A private shard split into what a participant trains on and what it scores on (deterministic: the last part). */
import type { Dataset } from "../types.js";

/**
 * The last `share` of `ds` (at most `max` rows, at least 1) as the hold-out, the rest to train on.
 * @throws RangeError when the dataset has fewer than 2 rows or the share is not in (0, 1).
 */
export function splitHoldout(ds: Dataset, share: number, max: number): { train: Dataset; holdout: Dataset } {
  const [n, ...shape] = ds.xShape;
  if (n < 2) throw new RangeError(`a dataset of ${n} rows cannot be split into training and evaluation data`);
  if (!(share > 0 && share < 1)) throw new RangeError(`share ${share} is not in (0, 1)`);
  const k = Math.max(1, Math.min(max, Math.floor(n * share)));
  const row = shape.reduce((a, b) => a * b, 1);
  const cut = n - k;
  const part = (from: number, to: number): Dataset => ({
    x: ds.x.slice(from * row, to * row),
    xShape: [to - from, ...shape],
    y: ds.y.slice(from, to),
    meta: ds.meta,
  });
  return { train: part(0, cut), holdout: part(cut, n) };
}
