/** `flock alliance create | join | show | claim`: FL alliances (the rounds are played by `flock fl`). */
import { Command, Option } from "@commander-js/extra-typings";
import { parseAddress, parseAmount, parseId, parseIntIn } from "../args.js";
import { print, withNode } from "../common.js";

const window = (what: string, def: number) =>
  [`--${what}-window <s>`, "seconds", parseIntIn(1, 31_536_000), def] as const;

export function allianceCommand() {
  const alliance = new Command("alliance").description("create, join and inspect FL alliances");
  alliance
    .command("create")
    .description(
      "create an alliance from an Arena task's winning model (--from-task N --start-cid CID), a completed " +
        "alliance's final model (--from-alliance N) or a model CID (--start-cid CID); deposits the reward pool",
    )
    .option("--from-task <id>", "the settled Arena task whose winner starts the alliance", parseId)
    .option("--from-alliance <id>", "the completed alliance whose final model starts this one", parseId)
    .option("--start-cid <cid>", "the starting model's CID (with --from-task: the winner's model CID)")
    .requiredOption("--reward <amount>", "reward pool in FLOCK", parseAmount)
    .option("--min-stake <amount>", "stake each participant locks at least, FLOCK (default 1000)", parseAmount)
    .option("--rounds <n>", "rounds", parseIntIn(1, 1000), 3)
    .option("--min-participants <n>", "fewest participants to start", parseIntIn(2, 64), 3)
    .option("--max-participants <n>", "most participants", parseIntIn(2, 64), 16)
    .option("--proposers <n>", "proposers drawn each round", parseIntIn(1, 31), 2)
    .addOption(
      new Option("--rule <rule>", "aggregation rule")
        .choices(["fedavg", "trimmed-mean", "median"] as const)
        .default("trimmed-mean" as const),
    )
    .option(
      "--rule-param <n>",
      "fedavg: example cap (default 1000); trimmed-mean: β in bps (default 2000)",
      parseIntIn(0, 2 ** 24),
    )
    .option(...window("join", 3600))
    .option(...window("update-commit", 3600))
    .option(...window("update-reveal", 1800))
    .option(...window("score-commit", 1800))
    .option(...window("score-reveal", 1800))
    .option(...window("vote-commit", 1800))
    .option(...window("vote-reveal", 1800))
    .action(async (o, cmd) => {
      const given = [o.fromTask, o.fromAlliance].filter((x) => x !== undefined).length;
      if (given > 1) throw new Error("give at most one of --from-task and --from-alliance");
      if (o.fromAlliance !== undefined && o.startCid) throw new Error("--from-alliance takes no --start-cid");
      if (o.fromAlliance === undefined && !o.startCid) throw new Error("--start-cid is required");
      const from =
        o.fromTask !== undefined
          ? { task: o.fromTask, cid: o.startCid! }
          : o.fromAlliance !== undefined
            ? { alliance: o.fromAlliance }
            : { cid: o.startCid! };
      const { createAlliance } = await import("../../roles/alliance.js");
      await withNode(
        cmd,
        async (node) =>
          print(
            await createAlliance(node, {
              from,
              reward: o.reward,
              minStake: o.minStake ?? 1000n * 10n ** 18n,
              rounds: o.rounds,
              minParticipants: o.minParticipants,
              maxParticipants: o.maxParticipants,
              proposersPerRound: o.proposers,
              rule: o.rule,
              ruleParam: o.ruleParam,
              windows: {
                join: o.joinWindow,
                updateCommit: o.updateCommitWindow,
                updateReveal: o.updateRevealWindow,
                scoreCommit: o.scoreCommitWindow,
                scoreReveal: o.scoreRevealWindow,
                voteCommit: o.voteCommitWindow,
                voteReveal: o.voteRevealWindow,
              },
            }),
          ),
        { store: false },
      );
    });
  alliance
    .command("join")
    .description("join an alliance, locking part of your operator pool's stake until it ends")
    .argument("<allianceId>", "alliance id", parseId)
    .requiredOption("--stake <amount>", "stake to lock, FLOCK", parseAmount)
    .action(async (id, o, cmd) => {
      const { joinAlliance } = await import("../../roles/alliance.js");
      await withNode(cmd, async (node) => print({ allianceId: id, tx: await joinAlliance(node, id, o.stake) }), {
        store: false,
      });
    });
  alliance
    .command("show")
    .description("an alliance as the chain sees it: parameters, members, rounds, lineage")
    .argument("<allianceId>", "alliance id", parseId)
    .action(async (id, _o, cmd) => {
      const { allianceOnChain } = await import("../../roles/alliance.js");
      await withNode(cmd, async (node) => print(await allianceOnChain(node, id)), { store: false });
    });
  alliance
    .command("claim")
    .description("pay an account's alliance rewards into its pool (and, once over, release its lock)")
    .argument("<allianceId>", "alliance id", parseId)
    .option("--account <address>", "whose rewards (default: yours)", parseAddress)
    .action(async (id, o, cmd) => {
      const { claimAlliance } = await import("../../roles/alliance.js");
      await withNode(cmd, async (node) => print(await claimAlliance(node, id, o.account)), { store: false });
    });
  return alliance;
}
