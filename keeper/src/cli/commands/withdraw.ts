/** `flock withdraw`: withdraw an unbonding entry whose period has passed. */
import { Command } from "@commander-js/extra-typings";
import { parseId } from "../args.js";
import { print, withNode } from "../common.js";

export function withdrawCommand() {
  return new Command("withdraw")
    .description(
      "withdraw an unbonding entry whose period has passed and whose pool released the locks it stood behind",
    )
    .requiredOption("--entry <id>", "unbonding entry id", parseId)
    .action(async (o, cmd) => {
      const { withdraw } = await import("../../roles/staking.js");
      print({ tx: await withNode(cmd, (n) => withdraw(n, o.entry), { store: false }) });
    });
}
