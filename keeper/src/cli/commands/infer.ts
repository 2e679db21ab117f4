/** `flock infer`: a signed prediction request to a gateway (the client side of docs/gateway.md). */
import { readFileSync } from "node:fs";
import { Command } from "@commander-js/extra-typings";
import { parseId } from "../args.js";
import { print, withNode } from "../common.js";

export function inferCommand() {
  return new Command("infer")
    .description("ask a gateway for a listed model's predictions, signed with your key")
    .requiredOption("--listing <id>", "listing id", parseId)
    .requiredOption("--input <file>", 'JSON file: {"inputs": number[][]} or number[][] (one flattened row per sample)')
    .option("--gateway <url>", "the gateway's base URL", "http://127.0.0.1:8080")
    .action(async (o, cmd) => {
      let inputs: unknown;
      try {
        const json: unknown = JSON.parse(readFileSync(o.input, "utf8"));
        inputs = Array.isArray(json) ? json : (json as { inputs?: unknown }).inputs;
      } catch (e) {
        throw new Error(`cannot read ${o.input}: ${(e as Error).message}`);
      }
      if (!Array.isArray(inputs) || !inputs.every((r) => Array.isArray(r)))
        throw new Error(`${o.input} must hold {"inputs": number[][]} or number[][]`);
      const [{ Market }, { predict }] = await Promise.all([
        import("../../chain/market.js"),
        import("../../gateway/client.js"),
      ]);
      const result = await withNode(
        cmd,
        async (node) => {
          const account = node.chain.account;
          if (!account) throw new Error("flock infer signs requests: set FLOCK_PRIVATE_KEY (or --private-key)");
          const market = new Market(node.protocol);
          return predict({
            gateway: o.gateway.replace(/\/$/, ""),
            account,
            domain: { chainId: await node.chain.chainId(), marketplace: market.contract.address },
            listingId: o.listing,
            inputs: inputs as number[][],
            now: await node.protocol.now(),
          });
        },
        { store: false },
      );
      const outputs = result.body.outputs;
      print({
        status: result.status,
        ...result.body,
        ...(outputs ? { argmax: outputs.map((row) => row.indexOf(Math.max(...row))) } : {}),
      });
      if (result.status !== 200) process.exitCode = 1;
    });
}
