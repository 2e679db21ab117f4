/** `flock config show`: every ProtocolConfig parameter with its current value, unit and bounds. */
import { Command } from "@commander-js/extra-typings";
import { print, withNode } from "../common.js";

export function configCommand() {
  const config = new Command("config").description("the protocol's parameters (ProtocolConfig)");
  config
    .command("show")
    .description("every parameter: name, current value, unit and bounds (changed only by governance: `flock gov`)")
    .option("--json", "print JSON")
    .action(async (o, cmd) => {
      const [{ configParams }, { formatParam }] = await Promise.all([
        import("../../roles/governance.js"),
        import("../../logic/params.js"),
      ]);
      await withNode(
        cmd,
        async (n) => {
          const params = await configParams(n);
          if (o.json) return print({ config: n.protocol.config.address, parameters: params });
          const rows = params.map((p) => [
            p.name,
            p.display,
            p.unit,
            `[${formatParam(p.name, p.min)}, ${formatParam(p.name, p.max)}]`,
          ]);
          const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), 5));
          const line = (r: string[]) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c)).join("  ");
          process.stdout.write(`${[line(["name", "value", "unit", "bounds"]), ...rows.map(line)].join("\n")}\n`);
        },
        { store: false },
      );
    });
  return config;
}
