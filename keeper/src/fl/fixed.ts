/**
 * Q16 fixed point: a real weight w is held as the int32 q = roundHalfEven(w · 2^16), in the symmetric range
 * [-Q_MAX, Q_MAX] with Q_MAX = 2^31 − 1 (so |w| < 32768, resolution 2^-16 ≈ 1.5e-5; −2^31 is excluded so that
 * negating a value never overflows). Back to a float32 weight: fround(q · 2^-16), exact while |q| < 2^24
 * (|w| < 256); beyond that the nearest float32, ties to even (IEEE 754).
 *
 * Every function here is plain integer arithmetic on doubles that provably stay below 2^53 (no TF.js, no
 * floating-point rounding left to the platform), so its results are the same on every machine.
 */

export const SCALE_BITS = 16;
/** 2^16: one unit of a weight in fixed point. */
export const SCALE = 2 ** SCALE_BITS;
/** Largest magnitude of a fixed-point value (2^31 − 1). */
export const Q_MAX = 2 ** 31 - 1;
/** Smallest fixed-point value (−Q_MAX). */
export const Q_MIN = -Q_MAX;
/** Largest fixed-point value whose weight is a float32 (32768 − 2^-9): 2^31 − 2^7. Every value read from a model's
 *  float32 weights is within ±Q_MAX_FLOAT32, and so is every value {@link snapToFloat32} returns. */
export const Q_MAX_FLOAT32 = 2 ** 31 - 2 ** 7;

/** A float weight that has no fixed-point value (NaN, ±Inf, |w| ≥ 32768). */
export class FixedPointRangeError extends RangeError {
  override readonly name = "FixedPointRangeError";
}

/** Round half to even of a double (JS `Math.round` rounds halves up). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** q = roundHalfEven(w · 2^16). @throws FixedPointRangeError when w is not finite or q is outside [Q_MIN, Q_MAX]. */
export function toFixed(w: number, where = "value"): number {
  if (!Number.isFinite(w)) throw new FixedPointRangeError(`${where} is ${w}, not a finite number`);
  const q = roundHalfEven(w * SCALE); // w · 2^16 is exact in a double (a power-of-two scale)
  if (q > Q_MAX || q < Q_MIN) {
    throw new FixedPointRangeError(
      `${where} = ${w} is outside the fixed-point range (|w| < ${2 ** (31 - SCALE_BITS)})`,
    );
  }
  return q === 0 ? 0 : q; // no -0
}

/** The float32 weight of q: fround(q · 2^-16). */
export function fromFixed(q: number): number {
  return Math.fround(q / SCALE);
}

/** The value q becomes after a trip through float32 — toFixed(fromFixed(q)) — after clamping it to
 *  ±{@link Q_MAX_FLOAT32} (beyond which fround would reach 32768, outside the range). Identity while |q| < 2^24. */
export function snapToFloat32(q: number): number {
  const c = Math.min(Q_MAX_FLOAT32, Math.max(-Q_MAX_FLOAT32, q));
  return toFixed(fromFixed(c));
}

/** Converts float32 weights to fixed point. `name` is used in error messages. */
export function tensorToFixed(values: Float32Array, name: string): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const w = values[i];
    // fast path for the usual |w| < 256 (the check below is the only branch taken)
    if (w > -256 && w < 256) out[i] = roundHalfEven(w * SCALE);
    else out[i] = toFixed(w, `${name}[${i}]`);
  }
  return out;
}

/** Converts fixed-point values to float32 weights. */
export function tensorFromFixed(values: Int32Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] / SCALE; // the Float32Array store is the fround
  return out;
}

/**
 * floor(a / b) and a − b·floor(a / b) ∈ [0, b) for integers |a| < 2^53 and 0 < b < 2^53 with |a / b| · b < 2^53.
 * The double division may round across an integer; one correction step fixes it (the error is < 1).
 */
export function floorDivMod(a: number, b: number): [q: number, r: number] {
  let q = Math.floor(a / b);
  let r = a - q * b;
  if (r < 0) {
    q -= 1;
    r += b;
  } else if (r >= b) {
    q += 1;
    r -= b;
  }
  return [q, r];
}

/** roundHalfEven(a / b) of integers, b > 0 (same bounds as {@link floorDivMod}). */
export function divRoundHalfEven(a: number, b: number): number {
  const [q, r] = floorDivMod(a, b);
  const twice = 2 * r;
  if (twice > b || (twice === b && q % 2 !== 0)) return q + 1;
  return q;
}
