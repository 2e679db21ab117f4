/** `flock stake`: register as an operator (the first time) and self-stake. */
import { Command, Option } from "@commander-js/extra-typings";
import { parseAmount, parseIntIn } from "../args.js";
import { print, withNode } from "../common.js";

export function stakeCommand() {
  return new Command("stake")
    .description(
      "register as an operator (first time) and self-stake (pending while a task lock is outstanding on the pool)",
    )
    .addOption(new Option("--role <role>", "operator role (needed the first time)").choices(["trainer", "validator"]))
    .requiredOption("--amount <flock>", "amount to stake", parseAmount)
    .option("--commission <bps>", "commission on delegators' rewards, basis points", parseIntIn(0, 10_000), 1000)
    .action(async (o, cmd) => {
      const { stake } = await import("../../roles/staking.js");
      // a deposit while a task lock is outstanding on the pool is pending (see `flock pending`)
      print(
        await withNode(cmd, (n) => stake(n, { role: o.role, amount: o.amount, commissionBps: o.commission }), {
          store: false,
        }),
      );
    });
}
