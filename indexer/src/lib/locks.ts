/** The vault's lock sequence, mirrored from its events. Pure. */

/** The vault's `_release`: marks lock `seq` released and advances `releasedThrough` over the released prefix. */
export function release(
  pool: { releasedThrough: number; releasedAhead: number[] },
  seq: number,
): { releasedThrough: number; releasedAhead: number[] } {
  if (seq !== pool.releasedThrough + 1)
    return { releasedThrough: pool.releasedThrough, releasedAhead: [...pool.releasedAhead, seq] };
  const ahead = new Set(pool.releasedAhead);
  let through = seq;
  while (ahead.delete(through + 1)) through++;
  return { releasedThrough: through, releasedAhead: [...ahead] };
}
