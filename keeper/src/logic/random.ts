import { createHash } from "node:crypto";

/** mulberry32: a small, fast 32-bit seeded PRNG returning floats in [0, 1) — the keeper's one source of seeded randomness. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded Fisher–Yates permutation of 0..n-1 (the shuffle order of a training epoch). */
export function permutation(n: number, rand: () => number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/**
 * The "random" strategy's score: uniform in [0, 10000], seeded by (task, validator, index) so that a run is reproducible.
 * It stands for a validator that does not evaluate; it is how the demo shows deviation slashing.
 */
export function randomScore(taskId: bigint, validator: string, index: number): number {
  const h = createHash("sha256").update(`${taskId}:${validator.toLowerCase()}:${index}`).digest();
  return h.readUInt32BE(0) % 10_001;
}
