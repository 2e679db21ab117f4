import { describe, expect, it } from "vitest";
import { canonicalJson } from "../src/fl/canonical-json.js";
import {
  divRoundHalfEven,
  FixedPointRangeError,
  floorDivMod,
  fromFixed,
  Q_MAX,
  Q_MAX_FLOAT32,
  roundHalfEven,
  SCALE,
  snapToFloat32,
  tensorFromFixed,
  tensorToFixed,
  toFixed,
} from "../src/fl/fixed.js";
import { mulberry32 } from "../src/logic/random.js";

/** roundHalfEven(a / b) computed with BigInt, the reference. */
function refDiv(a: bigint, b: bigint): bigint {
  let q = a / b;
  let r = a % b;
  if (r < 0n) {
    q -= 1n;
    r += b;
  }
  if (2n * r > b || (2n * r === b && q % 2n !== 0n)) q += 1n;
  return q;
}

describe("Q16 fixed point", () => {
  it("rounds halves to even in both signs", () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, -2.5001].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, -3]);
    expect(toFixed(0.5 / SCALE)).toBe(0);
    expect(toFixed(1.5 / SCALE)).toBe(2);
    expect(toFixed(-2.5 / SCALE)).toBe(-2);
    expect(Object.is(toFixed(-0.4 / SCALE), 0)).toBe(true); // never -0
    expect(toFixed(1)).toBe(65536);
    expect(toFixed(-0.25)).toBe(-16384);
  });

  it("refuses NaN, infinities and |w| ≥ 32768 with the weight's name", () => {
    expect(() => toFixed(Number.NaN, "w[3]")).toThrow(/w\[3\] is NaN/);
    expect(() => toFixed(Number.POSITIVE_INFINITY)).toThrow(FixedPointRangeError);
    expect(() => toFixed(32768)).toThrow(/outside the fixed-point range/);
    expect(toFixed(32767.99998)).toBe(Q_MAX);
    expect(() => tensorToFixed(Float32Array.of(0, 1, 40000), "dense/kernel")).toThrow(/dense\/kernel\[2\]/);
  });

  it("float32 → fixed → float32 is the identity below 2^8 and snaps above", () => {
    const rand = mulberry32(3);
    const w = Float32Array.from({ length: 10_000 }, () => (rand() - 0.5) * 2 * 255);
    const q = tensorToFixed(w, "w");
    const back = tensorFromFixed(q);
    // 2^-16 quantisation: the round trip moves each weight by at most half a unit
    for (let i = 0; i < w.length; i++) expect(Math.abs(back[i] - w[i])).toBeLessThanOrEqual(0.5 / SCALE);
    // and a second trip changes nothing
    expect(tensorToFixed(back, "w")).toEqual(q);
    for (const x of [2 ** 24 + 1, 2 ** 30 + 3, -(2 ** 29) - 7]) {
      const s = snapToFloat32(x);
      expect(snapToFloat32(s)).toBe(s);
      expect(fromFixed(s) * SCALE).toBe(s);
      expect(Math.abs(s - x)).toBeLessThan(2 ** (Math.ceil(Math.log2(Math.abs(x))) - 24));
    }
    expect(snapToFloat32(Q_MAX)).toBe(Q_MAX_FLOAT32);
    expect(snapToFloat32(-Q_MAX)).toBe(-Q_MAX_FLOAT32);
    expect(snapToFloat32(12345)).toBe(12345);
  });

  it("integer division with round-half-even matches BigInt on values up to 2^52", () => {
    const rand = mulberry32(11);
    const cases: [number, number][] = [
      [5, 2],
      [7, 2],
      [-5, 2],
      [-7, 2],
      [1, 3],
      [-1, 3],
      [2 ** 52 - 1, 3],
      [-(2 ** 52) + 1, 2 ** 34],
    ];
    for (let i = 0; i < 5000; i++) {
      const a = Math.floor((rand() - 0.5) * 2 ** 53);
      const b = 1 + Math.floor(rand() * 2 ** (1 + Math.floor(rand() * 34)));
      cases.push([a, b]);
    }
    for (const [a, b] of cases) {
      expect(divRoundHalfEven(a, b), `${a} / ${b}`).toBe(Number(refDiv(BigInt(a), BigInt(b))));
      const [q, r] = floorDivMod(a, b);
      expect(r >= 0 && r < b && q * b + r === a, `floorDivMod(${a}, ${b})`).toBe(true);
    }
  });
});

describe("canonicalJson", () => {
  it("sorts keys at every depth, integer-like ones included, and drops whitespace", () => {
    const a = { b: [1, { z: 1, a: null }], a: "x", 10: true, 9: false };
    const b = JSON.parse('{"9":false,"a":"x","b":[1,{"a":null,"z":1}],"10":true}');
    expect(canonicalJson(a)).toBe('{"10":true,"9":false,"a":"x","b":[1,{"a":null,"z":1}]}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
    expect(canonicalJson({ x: -0, y: 1e21, z: 0.1 })).toBe('{"x":0,"y":1e+21,"z":0.1}');
  });
  it("refuses what JSON cannot hold", () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/\$\.a/);
    expect(() => canonicalJson([() => 1])).toThrow(TypeError);
    expect(() => canonicalJson(new Date(0))).toThrow(TypeError);
  });
});
