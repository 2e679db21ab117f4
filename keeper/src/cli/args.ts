/** Parsers for command-line values: each bad value is a clear error naming the option. */
import { InvalidArgumentError } from "commander";
import { type Address, getAddress, isAddress, parseUnits } from "viem";

/** A FLOCK amount in whole tokens ("100", "0.5") → base units. */
export function parseAmount(value: string): bigint {
  if (!/^\d+(\.\d{1,18})?$/.test(value.trim()))
    throw new InvalidArgumentError(`"${value}" is not a FLOCK amount (e.g. 100 or 2.5)`);
  const v = parseUnits(value.trim(), 18);
  if (v === 0n) throw new InvalidArgumentError("the amount must be greater than 0");
  return v;
}

export function parseAddress(value: string): Address {
  if (!isAddress(value)) throw new InvalidArgumentError(`"${value}" is not an address`);
  return getAddress(value);
}

export function parseId(value: string): bigint {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`"${value}" is not an id (a whole number)`);
  return BigInt(value);
}

export function parseIntIn(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`"${value}" must be a whole number in [${min}, ${max}]`);
    return n;
  };
}

export function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`"${value}" must be a positive number`);
  return n;
}
