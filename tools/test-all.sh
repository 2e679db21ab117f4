#!/usr/bin/env bash
# `npm test`: build (forge + generated ABIs + the Explorer bundle), then every suite — forge (unit, fuzz, invariant,
# attack, gas, scale) and vitest (keeper, indexer, end-to-end) — even when an earlier one failed, then one closing line
# summing them all:
#   N passed, N failed
# Exit status: non-zero if the build or any suite failed.
set -uo pipefail
cd "$(dirname "$0")/.."
node tools/check-node.cjs || exit 1

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
strip() { sed -E 's/\x1b\[[0-9;]*[A-Za-z]//g'; }
t0=$SECONDS
section() { printf '── %s ── (+%dm%02ds)\n' "$1" $(((SECONDS - t0) / 60)) $(((SECONDS - t0) % 60)); }

section "build"
if ! npm run build --silent; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

status=0
typefail=0
section "typecheck (tsc)"
if npx tsc -p tsconfig.json --noEmit && npx tsc -p indexer/explorer/tsconfig.json; then echo "types ok"; else status=1; typefail=1; fi

section "contracts (forge test)"
node tools/foundry.cjs forge test ${FORGE_TEST_ARGS:-} 2>&1 | tee "$logs/forge.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

section "TypeScript (vitest)"
npx vitest run ${VITEST_ARGS:-} 2>&1 | tee "$logs/vitest.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

# forge: "Ran 40 test suites in …: 300 tests passed, 0 failed, 0 skipped (300 total tests)"
fline=$(strip < "$logs/forge.log" | grep -E '^Ran [0-9]+ test suites?' | tail -1)
fp=$(sed -nE 's/.* ([0-9]+) tests passed.*/\1/p' <<<"$fline"); fp=${fp:-0}
ff=$(sed -nE 's/.*passed, ([0-9]+) failed.*/\1/p' <<<"$fline"); ff=${ff:-0}
# vitest: "      Tests  2 failed | 120 passed | 1 skipped (123)"
vline=$(strip < "$logs/vitest.log" | grep -E '^\s+Tests\s' | tail -1)
vp=$(grep -oE '[0-9]+ passed' <<<"$vline" | grep -oE '[0-9]+'); vp=${vp:-0}
vf=$(grep -oE '[0-9]+ failed' <<<"$vline" | grep -oE '[0-9]+'); vf=${vf:-0}
# a file that failed before its tests ran (a beforeAll) reports its tests as skipped: count it as a failure too
fileline=$(strip < "$logs/vitest.log" | grep -E '^\s+Test Files\s' | tail -1)
ff_files=$(grep -oE '[0-9]+ failed' <<<"$fileline" | grep -oE '[0-9]+'); ff_files=${ff_files:-0}
[ "$ff_files" -le "$vf" ] || vf=$ff_files
# a suite that crashed before printing its summary counts as one failure
[ -n "$fline" ] || ff=$((ff + 1))
[ -n "$vline" ] || vf=$((vf + 1))

echo
echo "forge: ${fp} passed, ${ff} failed · vitest: ${vp} passed, ${vf} failed"
[ "$typefail" -eq 0 ] || echo "typecheck failed (counted as one failure)"
echo "$((fp + vp)) passed, $((ff + vf + typefail)) failed"
exit $status
