/** `flock claim`: claim a task's reward or refund, or the operator commission. */
import { Command } from "@commander-js/extra-typings";
import { parseAddress, parseId } from "../args.js";
import { print, withNode } from "../common.js";

export function claimCommand() {
  return new Command("claim")
    .description("claim a task's reward or refund (paid into the operator's pool; refunds to the wallet)")
    .option("--task <id>", "task id", parseId)
    .option("--for <address>", "claim for another account (claims are permissionless)", parseAddress)
    .option("--commission", "claim your accumulated operator commission instead")
    .action(async (o, cmd) => {
      const staking = await import("../../roles/staking.js");
      if (o.commission) {
        print({ tx: await withNode(cmd, (n) => staking.claimCommission(n), { store: false }) });
        return;
      }
      const task = o.task;
      if (task === undefined) throw new Error("give --task <id> (or --commission)");
      print(await withNode(cmd, (n) => staking.claimTask(n, task, o.for), { store: false }));
    });
}
