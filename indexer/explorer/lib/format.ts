/** Formatting for people: FLOCK amounts (18 decimals), addresses, durations, basis points, scores. */

const DECIMALS = 18n;
const UNIT = 10n ** DECIMALS;

/** `1234567800000000000000` → "1,234.5678" (at most `digits` decimals, trailing zeros dropped). */
export function flock(wei: string | bigint | null | undefined, digits = 4): string {
  if (wei === null || wei === undefined || wei === "") return "–";
  let v = BigInt(wei);
  const neg = v < 0n;
  if (neg) v = -v;
  const scale = 10n ** BigInt(digits);
  // round half up at `digits` decimals
  const scaled = (v * scale + UNIT / 2n) / UNIT;
  const whole = scaled / scale;
  const frac = (scaled % scale).toString().padStart(digits, "0").replace(/0+$/, "");
  const wholeText = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${neg ? "−" : ""}${wholeText}${frac ? `.${frac}` : ""}`;
}

/** A FLOCK amount as a plain number (for proportions in pictures only, never for display). */
export function flockNumber(wei: string | bigint | null | undefined): number {
  if (wei === null || wei === undefined || wei === "") return 0;
  return Number(BigInt(wei) / 10n ** 12n) / 1e6;
}

export function shortAddress(a: string): string {
  return a.length === 42 ? `${a.slice(0, 6)}…${a.slice(-4)}` : a;
}

export function shortHash(hash: string | null | undefined): string {
  if (!hash) return "–";
  return hash.length > 16 ? `${hash.slice(0, 10)}…${hash.slice(-6)}` : hash;
}

/** 3725 → "1 h 2 min"; 42 → "42 s"; ≥ 2 days → "3 d 4 h". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 2 * 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

export function bps(value: number | null | undefined): string {
  return value === null || value === undefined ? "–" : `${(value / 100).toFixed(2).replace(/\.?0+$/, "")} %`;
}

/** A score in [0, 10000] as a percentage with two decimals: 9050 → "90.50". */
export function score(value: number | null | undefined): string {
  return value === null || value === undefined ? "–" : (value / 100).toFixed(2);
}

/** Unix seconds → "2026-12-05 10:31:02 UTC". */
export function dateTime(seconds: number | string | bigint): string {
  const d = new Date(Number(seconds) * 1000);
  return `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? "–" : n.toLocaleString("en-US");
}
