/** `flock delegate`: delegate FLOCK to an operator's pool (with a permit). */
import { Command } from "@commander-js/extra-typings";
import { parseAddress, parseAmount } from "../args.js";
import { print, withNode } from "../common.js";

export function delegateCommand() {
  return new Command("delegate")
    .description(
      "delegate FLOCK to an operator's pool (permit); pending while a task lock is outstanding on it (`flock pending`)",
    )
    .requiredOption("--operator <address>", "operator", parseAddress)
    .requiredOption("--amount <flock>", "amount", parseAmount)
    .action(async (o, cmd) => {
      const { delegate } = await import("../../roles/staking.js");
      print(await withNode(cmd, (n) => delegate(n, o.operator, o.amount), { store: false }));
    });
}
