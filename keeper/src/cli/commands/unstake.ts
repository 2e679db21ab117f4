/** `flock unstake`: start unbonding from your own pool or a pool you delegated to. */
import { Command } from "@commander-js/extra-typings";
import { parseAddress, parseAmount } from "../args.js";
import { print, withNode } from "../common.js";

export function unstakeCommand() {
  return new Command("unstake")
    .description("start unbonding (from your own pool, or a pool you delegated to)")
    .option("--operator <address>", "the pool (default: your own)", parseAddress)
    .requiredOption("--amount <flock|all>", "amount, or `all`", (v): bigint | "all" =>
      v === "all" ? v : parseAmount(v),
    )
    .action(async (o, cmd) => {
      const { unstake } = await import("../../roles/staking.js");
      print(await withNode(cmd, (n) => unstake(n, o.operator ?? n.chain.address, o.amount), { store: false }));
    });
}
