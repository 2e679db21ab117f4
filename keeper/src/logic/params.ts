/**
 * ProtocolConfig parameters, pure (no RPC): the unit of each `ConfigKeys` name, reading a value a person types
 * (`--set KEY=VALUE`) into the number the contract stores, and printing it back.
 *
 * Units follow `contracts/libraries/ConfigKeys.sol`: `*_BPS` are basis points of 10,000; `*_PERIOD`, `*_COOLDOWN`,
 * `*_WINDOW` are seconds; stakes, fees, bonds and pools are FLOCK (stored in base units, 18 decimals); `*_TOLERANCE`
 * and `MAX_SCORE_DEVIATION` are score units (scores live in [0, 10000]); `MAX_*`/`MIN_*` of submissions, validators
 * and reveals are counts.
 */
import { formatUnits, keccak256, parseUnits, toHex } from "viem";
import { type ParamUnit, unitOf } from "./param-units.js";

export { type ParamUnit, unitOf };

/** The key `ProtocolConfig` stores a name under: `keccak256(name)`. */
export function keyOf(name: string): `0x${string}` {
  return keccak256(toHex(name));
}

export class ParamValueError extends Error {
  override name = "ParamValueError";
}

const DURATION: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * A value as typed → the stored number. FLOCK: whole or decimal tokens ("250", "2.5"); seconds: a whole number of
 * seconds or with a suffix s/m/h/d ("90", "36h", "2d"); bps, score units and counts: a whole number.
 */
export function parseParamValue(name: string, text: string): bigint {
  const unit = unitOf(name);
  const v = text.trim();
  switch (unit) {
    case "FLOCK":
      if (!/^\d+(\.\d{1,18})?$/.test(v))
        throw new ParamValueError(`${name}=${text}: not a FLOCK amount (whole or decimal tokens, e.g. 250 or 2.5)`);
      return parseUnits(v, 18);
    case "seconds": {
      const m = /^(\d+)([smhd]?)$/.exec(v);
      if (!m) throw new ParamValueError(`${name}=${text}: not a duration (seconds, or with s/m/h/d, e.g. 3600 or 2d)`);
      return BigInt(m[1]) * BigInt(DURATION[m[2] || "s"]);
    }
    default:
      if (!/^\d+$/.test(v)) throw new ParamValueError(`${name}=${text}: not a whole number of ${unitLabel(unit)}`);
      return BigInt(v);
  }
}

export function unitLabel(unit: ParamUnit): string {
  return { bps: "basis points", seconds: "seconds", FLOCK: "FLOCK", score: "score units", count: "items" }[unit];
}

/** A stored value in its unit, for people: "250 FLOCK", "5.00% (500 bps)", "2d (172800 s)", "2500 score units". */
export function formatParam(name: string, value: bigint): string {
  switch (unitOf(name)) {
    case "FLOCK":
      return `${formatUnits(value, 18)} FLOCK`;
    case "bps":
      return `${(Number(value) / 100).toFixed(2)}% (${value} bps)`;
    case "seconds":
      return `${duration(value)}`;
    case "score":
      return `${value} score units`;
    case "count":
      return value.toString();
  }
}

function duration(s: bigint): string {
  const n = Number(s);
  for (const [suffix, size] of [
    ["d", 86_400],
    ["h", 3600],
    ["m", 60],
  ] as const)
    if (n >= size && n % size === 0) return `${n / size}${suffix} (${n} s)`;
  return `${n} s`;
}

/** Parses `KEY=VALUE` (one `--set`). */
export function splitAssignment(text: string): { name: string; value: string } {
  const i = text.indexOf("=");
  if (i <= 0 || i === text.length - 1)
    throw new ParamValueError(`"${text}" is not KEY=VALUE (e.g. NON_REVEAL_SLASH_BPS=1500)`);
  return { name: text.slice(0, i).trim().toUpperCase(), value: text.slice(i + 1) };
}
