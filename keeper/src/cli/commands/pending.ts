/** `flock pending`: a deposit waiting for a pool's task locks — show it, activate it, or take it back. */
import { Command } from "@commander-js/extra-typings";
import { parseAddress } from "../args.js";
import { print, withNode } from "../common.js";

export function pendingCommand() {
  return new Command("pending")
    .description(
      "a deposit made while the pool had a task lock outstanding (0 shares until the locks are released): " +
        "show it, --activate it once they are, or --cancel it",
    )
    .requiredOption("--operator <address>", "the pool", parseAddress)
    .option(
      "--for <address>",
      "another account's pending deposit (show or activate; activation is permissionless)",
      parseAddress,
    )
    .option("--activate", "turn the pending deposit into shares (once every lock it waited for is released)")
    .option("--cancel", "take your pending deposit back to your wallet")
    .action(async (o, cmd) => {
      if (o.activate && o.cancel) throw new Error("give --activate or --cancel, not both");
      const staking = await import("../../roles/staking.js");
      print(
        await withNode(
          cmd,
          async (n) => {
            if (o.cancel) {
              if (o.for) throw new Error("--cancel takes back your own pending deposit only (no --for)");
              return staking.cancelPending(n, o.operator);
            }
            if (o.activate) return staking.activate(n, o.operator, o.for);
            return staking.pendingDeposit(n, o.operator, o.for);
          },
          { store: false },
        ),
      );
    });
}
