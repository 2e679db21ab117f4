/**
 * Canonical JSON: object keys sorted by UTF-16 code units (JavaScript's default sort) at every depth, no
 * whitespace, strings and numbers exactly as `JSON.stringify` writes them (numbers: ECMAScript's shortest
 * round-trip `Number::toString`, `-0` → `0`). The same value always gives the same text, whatever order its keys
 * were built or parsed in. Written out by hand because a JS object puts integer-like keys ("2", "10") first in
 * numeric order whatever their insertion order, so `JSON.stringify` of a re-built object cannot sort them.
 */

/** A JSON value (what `JSON.parse` returns). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The canonical text of `value`. @throws TypeError on non-finite numbers, `undefined`, functions and the like. */
export function canonicalJson(value: unknown): string {
  return write(value, "$");
}

function write(value: unknown, path: string): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} has no JSON form`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => write(v, `${path}[${i}]`)).join(",")}]`;
  if (typeof value === "object" && isPlain(value)) {
    const parts: string[] = [];
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined) continue; // as JSON.stringify does
      parts.push(`${JSON.stringify(k)}:${write(v, `${path}.${k}`)}`);
    }
    return `{${parts.join(",")}}`;
  }
  throw new TypeError(`${path}: a ${typeof value} has no JSON form`);
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
