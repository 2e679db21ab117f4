/** `flock status`: what the indexer (or, without one, the chain) says about a task or an address. */
import { Command } from "@commander-js/extra-typings";
import { parseAddress, parseId } from "../args.js";
import { print, withNode } from "../common.js";

export function statusCommand() {
  return new Command("status")
    .description("what the indexer (or, without one, the chain) says about a task or an address")
    .option("--task <id>", "task id", parseId)
    .option("--address <address>", "account", parseAddress)
    .option(
      "--operator <address>",
      "with --address and no indexer: also the account's position and pending deposit in this pool",
      parseAddress,
    )
    .action(async (o, cmd) => {
      if (o.task === undefined && o.address === undefined) throw new Error("give --task <id> or --address <address>");
      const { statusReport } = await import("../../roles/status.js");
      print(
        await withNode(cmd, (n) => statusReport(n, { taskId: o.task, address: o.address, operator: o.operator }), {
          store: false,
        }),
      );
    });
}
