import { describe, expect, it } from "vitest";
import { withGasMargin } from "../src/chain/client.js";

describe("withGasMargin", () => {
  it("adds 25% and 70,000 gas to an estimate (three new vote checkpoints at ≈ 20k each)", () => {
    expect(withGasMargin(80_000n)).toBe(170_000n);
    expect(withGasMargin(0n)).toBe(70_000n);
  });
  it("never lifts a limit above EIP-7825's per-transaction cap, nor lowers an estimate already above it", () => {
    expect(withGasMargin(15_000_000n)).toBe(16_777_216n);
    expect(withGasMargin(16_777_216n)).toBe(16_777_216n);
    expect(withGasMargin(20_000_000n)).toBe(20_000_000n);
  });
});
