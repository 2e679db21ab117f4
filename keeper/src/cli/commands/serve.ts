/** `flock serve`: the inference gateway (docs/gateway.md). */
import { Command } from "@commander-js/extra-typings";
import { parseId, parseIntIn, parsePositive } from "../args.js";
import { stopSignal, withNode } from "../common.js";

export function serveCommand() {
  return new Command("serve")
    .description("serve listed models over HTTP to callers whose access the chain confirms (docs/gateway.md)")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--port <port>", "port (0: any free port)", parseIntIn(0, 65535), 8080)
    .option(
      "--listing <id...>",
      "serve only these listings (their models are loaded at start); default: all",
      (v, acc: bigint[] = []) => [...acc, parseId(v)],
    )
    .option("--rate <n>", "requests per second per address", parsePositive, 50)
    .option("--burst <n>", "requests above the rate an address may send at once", parseIntIn(1, 1_000_000), 100)
    .option("--max-body-bytes <n>", "largest request body", parseIntIn(1, 64 * 1024 * 1024), 1 << 20)
    .option("--max-rows <n>", "most samples per request", parseIntIn(1, 100_000), 256)
    .action(async (o, cmd) => {
      const [{ Market }, { ModelHost }, { startGateway, DEFAULT_GATEWAY_OPTIONS }, { initBackend }] = await Promise.all(
        [
          import("../../chain/market.js"),
          import("../../gateway/models.js"),
          import("../../gateway/server.js"),
          import("../../eval/backend.js"),
        ],
      );
      await withNode(cmd, async (node) => {
        const backend = await initBackend("auto");
        const market = new Market(node.protocol);
        const host = new ModelHost(node.store, {
          maxBytes: DEFAULT_GATEWAY_OPTIONS.maxModelBytes,
          timeoutMs: DEFAULT_GATEWAY_OPTIONS.modelTimeoutMs,
        });
        const gw = await startGateway(market, host, {
          ...DEFAULT_GATEWAY_OPTIONS,
          host: o.host,
          port: o.port,
          ratePerSecond: o.rate,
          burst: o.burst,
          maxBodyBytes: o.maxBodyBytes,
          maxRows: o.maxRows,
          pollMs: Math.min(node.config.pollMs, 250),
          log: node.log,
          listings: o.listing,
        });
        process.stdout.write(`Gateway: ${gw.url} (TF.js ${backend}; Ctrl-C stops it)\n`);
        const signal = stopSignal();
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
        await gw.close();
        host.dispose();
      });
    });
}
