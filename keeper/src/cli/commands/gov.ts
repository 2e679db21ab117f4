/**
 * `flock gov propose | vote | queue | execute | show | delegate | power`: governance of the protocol's parameters
 * through `FlockGovernor` (staked FLOCK votes; the timelock executes). See docs/governance.md.
 */
import { Command, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { formatUnits } from "viem";
import { parseAddress, parseId } from "../args.js";
import { print, withNode } from "../common.js";

const collect = (value: string, previous: string[]) => [...previous, value];

function parseSupport(value: string): "for" | "against" | "abstain" {
  const v = value.trim().toLowerCase();
  if (v === "for" || v === "against" || v === "abstain") return v;
  throw new InvalidArgumentError(`"${value}" is not a vote: for, against or abstain`);
}

const flock = (wei: bigint) => `${formatUnits(wei, 18)} FLOCK`;

export function govCommand() {
  const gov = new Command("gov").description(
    "governance: propose parameter changes, vote with staked and delegated FLOCK, queue and execute (docs/governance.md)",
  );
  gov
    .command("propose")
    .description("propose ProtocolConfig changes (checked against each parameter's bounds before anything is sent)")
    .option(
      "--set <KEY=VALUE>",
      "a parameter by its ConfigKeys name and its new value (FLOCK amounts in tokens, durations in s or with s/m/h/d, bps); repeatable",
      collect,
      [] as string[],
    )
    .requiredOption("--description <text>", "what the proposal does and why (its description on chain)")
    .action(async (o, cmd) => {
      const { propose } = await import("../../roles/governance.js");
      print(await withNode(cmd, (n) => propose(n, o.set, o.description), { store: false }));
    });
  gov
    .command("vote")
    .description("vote on an active proposal with your voting power at its snapshot")
    .argument("<id>", "proposal id", parseId)
    .argument("<support>", "for | against | abstain", parseSupport)
    .option("--reason <text>", "a reason, recorded on chain", "")
    .action(async (id, support, o, cmd) => {
      const { castVote } = await import("../../roles/governance.js");
      print(await withNode(cmd, (n) => castVote(n, id, support, o.reason), { store: false }));
    });
  gov
    .command("queue")
    .description("queue a succeeded proposal in the timelock (anyone may)")
    .argument("<id>", "proposal id", parseId)
    .action(async (id, _o, cmd) => {
      const { queueProposal } = await import("../../roles/governance.js");
      print(await withNode(cmd, (n) => queueProposal(n, id), { store: false }));
    });
  gov
    .command("execute")
    .description("execute a queued proposal once its timelock delay has passed (anyone may)")
    .argument("<id>", "proposal id", parseId)
    .action(async (id, _o, cmd) => {
      const { executeProposal } = await import("../../roles/governance.js");
      print(await withNode(cmd, (n) => executeProposal(n, id), { store: false }));
    });
  gov
    .command("show")
    .description("one proposal (state, tallies, quorum, eta, decoded actions), or every proposal")
    .argument("[id]", "proposal id", parseId)
    .option("--json", "print JSON")
    .action(async (id, o, cmd) => {
      const g = await import("../../roles/governance.js");
      await withNode(
        cmd,
        async (n) => {
          const views = id === undefined ? await g.showProposals(n) : [await g.showProposal(n, id)];
          if (o.json) return print(id === undefined ? { proposals: views } : views[0]);
          if (views.length === 0) return void process.stdout.write("no proposal yet\n");
          process.stdout.write(`${views.map(describeProposal).join("\n\n")}\n`);
        },
        { store: false },
      );
    });
  gov
    .command("delegate")
    .description(
      "delegate the votes of your wallet FLOCK on the token (to yourself by default); staked FLOCK votes without this",
    )
    .option("--to <address>", "the delegate (default: yourself)", parseAddress)
    .action(async (o, cmd) => {
      const { delegateVotes } = await import("../../roles/governance.js");
      print(await withNode(cmd, (n) => delegateVotes(n, o.to), { store: false }));
    });
  gov
    .command("power")
    .description("an account's voting power now: wallet FLOCK delegated to it + FLOCK it has staked")
    .addOption(new Option("--address <address>", "account (default: yours)").argParser(parseAddress))
    .action(async (o, cmd) => {
      const { votingPower } = await import("../../roles/governance.js");
      print(await withNode(cmd, (n) => votingPower(n, o.address ?? n.chain.address), { store: false }));
    });
  return gov;
}

type View = Awaited<ReturnType<typeof import("../../roles/governance.js").showProposal>>;

function describeProposal(v: View): string {
  const lines = [
    `proposal ${v.id} — ${v.state}`,
    `  ${v.description.split("\n")[0]}`,
    `  proposer ${v.proposer}`,
    `  vote ${new Date(Number(v.voteStart) * 1000).toISOString()} → ${new Date(Number(v.voteEnd) * 1000).toISOString()}`,
    `  for ${flock(v.tally.for)} · against ${flock(v.tally.against)} · abstain ${flock(v.tally.abstain)}` +
      (v.quorum === null ? "" : ` · quorum ${flock(v.quorum)}`),
  ];
  if (v.eta !== null) lines.push(`  executable from ${new Date(Number(v.eta) * 1000).toISOString()}`);
  for (const a of v.actions) lines.push(`  → ${a.param ? `set ${a.param.name} = ${a.param.display}` : a.call}`);
  return lines.join("\n");
}
