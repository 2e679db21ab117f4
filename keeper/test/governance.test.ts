/**
 * Governance end to end on anvil, through the `flock` command as a user runs it: stake → votes → propose → vote →
 * queue → execute changes a parameter; a task created after the change takes the new value, one created before keeps
 * its snapshot. Bad inputs are refused with a clear message and nothing sent. Time moves only by warping anvil's clock
 * to the governor's own timestamps (no sleeps).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keccak256, maxUint256, toHex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActorName } from "../src/devnet/actors.js";
import { warpTo } from "../src/devnet/anvil.js";
import { DEVNET_GOV, REPO_ROOT } from "../src/devnet/deploy.js";
import type { Node } from "../src/node.js";
import { delegate, stake } from "../src/roles/staking.js";
import { actorNode, type DevChain, FLOCK, fund, nonceOf, startDevChain } from "./helpers/devchain.js";
import { runFlock } from "./helpers/flock.js";

let dir: string;
let chain: DevChain;
const nodes = new Map<ActorName, Node>();
const node = (name: ActorName): Node => {
  let n = nodes.get(name);
  if (!n) {
    n = actorNode(chain, name);
    nodes.set(name, n);
  }
  return n;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "flock-gov-"));
  chain = await startDevChain(join(dir, "chain"));
}, 120_000);

afterAll(async () => {
  for (const n of nodes.values()) await n.close();
  await chain?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

function envOf(name: ActorName): Record<string, string> {
  return {
    FLOCK_RPC_URL: chain.url,
    FLOCK_PRIVATE_KEY: chain.cast[name].privateKey,
    FLOCK_DEPLOYMENTS: chain.deploymentsPath,
    FLOCK_DATA_DIR: join(dir, "cli", name),
  };
}

/** `flock …` as `who`; returns the parsed JSON of a successful run. */
async function flockJson<T = Record<string, unknown>>(who: ActorName, args: string[]): Promise<T> {
  const r = await runFlock(args, envOf(who));
  expect(r.code, `flock ${args.join(" ")}: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** `flock …` as `who` must fail with `message` on one line of stderr, and send nothing. */
async function refused(who: ActorName, args: string[], message: RegExp): Promise<void> {
  const me = chain.cast[who].address;
  const before = await nonceOf(chain.url, me);
  const r = await runFlock(args, envOf(who));
  expect(r.code, `flock ${args.join(" ")} should fail:\n${r.stdout}`).not.toBe(0);
  expect(r.stderr.split("\n")[0]).toMatch(message);
  expect(await nonceOf(chain.url, me)).toBe(before);
}

/** A task created straight on the contract (its params are what this test is about, not its content). */
async function createBareTask(creator: Node, tag: string): Promise<bigint> {
  const { protocol } = creator;
  await protocol.ensureAllowance(protocol.arena.address, maxUint256, true);
  const receipt = await creator.chain.write({
    ...protocol.arena,
    functionName: "createTask",
    args: [
      {
        specCid: "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
        evalCommitment: keccak256(toHex(`eval ${tag}`)),
        rewardPool: FLOCK(200),
        submissionStart: 0,
        submissionWindow: 3600,
        publishWindow: 3600,
        commitWindow: 3600,
        revealWindow: 3600,
        minScore: 0,
        spamScore: 0,
      },
    ],
    label: `createTask ${tag}`,
  });
  const { parseEventLogs } = await import("viem");
  const [ev] = parseEventLogs({ abi: protocol.arena.abi, logs: receipt.logs, eventName: "TaskCreated" });
  return ev.args.taskId;
}

async function now(): Promise<number> {
  return node("deployer").protocol.now();
}

describe("governance on anvil through `flock gov` and `flock config`", () => {
  it("passes a parameter change with staked FLOCK; later tasks take it, earlier tasks keep their snapshot", async () => {
    const { cast } = chain;
    // ── stake → votes ──
    await fund(node("deployer"), chain, [
      ["validator-1", FLOCK(20_000)],
      ["validator-2", FLOCK(20_000)],
      ["delegator", FLOCK(10_000)],
      ["creator", FLOCK(5_000)],
    ]);
    await stake(node("validator-1"), { role: "validator", amount: FLOCK(10_000), commissionBps: 1000 });
    await stake(node("validator-2"), { role: "validator", amount: FLOCK(9_000), commissionBps: 1000 });
    await delegate(node("delegator"), cast["validator-1"].address, FLOCK(5_000));
    // votes are read one second back: let a second pass on the chain's clock
    await warpTo(chain.url, (await now()) + 1);

    type Power = { wallet: string; staked: string; total: string; threshold: string };
    type Params = { parameters: { name: string; value: string; min: string; max: string; unit: string }[] };
    const [power, delegated, config, human] = await Promise.all([
      flockJson<Power>("delegator", ["gov", "power"]),
      flockJson<{ votes: string }>("creator", ["gov", "delegate"]),
      flockJson<Params>("creator", ["config", "show", "--json"]),
      runFlock(["config", "show"], envOf("creator")),
    ]);
    // the delegator's 5,000 FLOCK in validator-1's pool vote for the delegator; its 5,000 in the wallet are not
    // delegated on the token, so they count for nobody (yet)
    expect(power).toMatchObject({ wallet: "0", staked: FLOCK(5_000).toString(), total: FLOCK(5_000).toString() });
    expect(BigInt(power.threshold)).toBe(DEVNET_GOV.threshold);
    // wallet FLOCK votes once delegated on the token (here to oneself)
    expect(delegated.votes).toBe(FLOCK(5_000).toString());

    // ── the parameters, and a task created before any change ──
    // every key of ConfigKeys.sol, by name
    const names = [
      ...readFileSync(join(REPO_ROOT, "contracts/libraries/ConfigKeys.sol"), "utf8").matchAll(/keccak256\("(\w+)"\)/g),
    ].map((m) => m[1]);
    expect(config.parameters.map((p) => p.name).sort()).toEqual(names.sort());
    const nonReveal = config.parameters.find((p) => p.name === "NON_REVEAL_SLASH_BPS");
    expect(nonReveal).toMatchObject({ value: "1000", min: "0", max: "10000", unit: "bps" });
    expect(config.parameters.find((p) => p.name === "UNBONDING_PERIOD")?.unit).toBe("seconds");
    expect(config.parameters.find((p) => p.name === "MIN_TRAINER_STAKE")?.unit).toBe("FLOCK");
    expect(human.stdout).toMatch(
      /NON_REVEAL_SLASH_BPS\s+10\.00% \(1000 bps\)\s+bps\s+\[0\.00% \(0 bps\), 100\.00% \(10000 bps\)\]/,
    );
    const before = await createBareTask(node("creator"), "before");

    // ── bad proposals: a clear error, nothing sent ──
    const propose = (...sets: string[]) => [
      "gov",
      "propose",
      ...sets.flatMap((s) => ["--set", s]),
      "--description",
      "Raise the non-reveal slash",
    ];
    await Promise.all([
      refused(
        "validator-1",
        propose("NON_REVEAL_SLASH=1500"),
        /NON_REVEAL_SLASH: no such parameter \(did you mean NON_REVEAL_SLASH_BPS/,
      ),
      refused(
        "validator-1",
        propose("NON_REVEAL_SLASH_BPS=20000"),
        /NON_REVEAL_SLASH_BPS=20000: .* is outside its bounds \[0\.00% \(0 bps\), 100\.00% \(10000 bps\)\]/,
      ),
      refused(
        "validator-1",
        propose("NON_REVEAL_SLASH_BPS=abc"),
        /NON_REVEAL_SLASH_BPS=abc: not a whole number of basis points/,
      ),
      refused("validator-1", propose("NON_REVEAL_SLASH_BPS"), /"NON_REVEAL_SLASH_BPS" is not KEY=VALUE/),
      // below DEVIATION_SLASH_BPS (1000): inside its bounds, but the config would refuse it at execution
      refused(
        "validator-1",
        propose("NON_REVEAL_SLASH_BPS=500"),
        /ProtocolConfig would refuse it: InconsistentParameters/,
      ),
      refused("validator-1", propose("NON_REVEAL_SLASH_BPS=1000"), /already its value/),
      // the creator's 5,000 delegated votes are above the devnet threshold (1,000): the trainer has none
      refused(
        "trainer-strong",
        propose("NON_REVEAL_SLASH_BPS=1500"),
        /has 0 FLOCK of votes; proposing needs 1000 FLOCK/,
      ),
    ]);

    // ── propose ──
    const proposed = await flockJson<{ proposalId: string; voteStart: string; voteEnd: string }>(
      "validator-1",
      propose("NON_REVEAL_SLASH_BPS=1500"),
    );
    const id = proposed.proposalId;
    expect(BigInt(proposed.voteEnd) - BigInt(proposed.voteStart)).toBe(BigInt(DEVNET_GOV.votingPeriod));
    await Promise.all([
      refused(
        "validator-1",
        ["gov", "vote", id, "for"],
        /cannot vote on proposal \d+: it is Pending \(voting opens in \d+ s\), not Active/,
      ),
      refused("validator-1", ["gov", "vote", id, "maybe"], /"maybe" is not a vote: for, against or abstain/),
      refused("validator-1", ["gov", "vote", "12345", "for"], /no proposal 12345/),
    ]);

    // ── vote (weights at the snapshot) ──
    await warpTo(chain.url, Number(proposed.voteStart) + 1);
    type Vote = { weight: string; tally: Record<string, string> };
    const [v1, v2, v3] = await Promise.all([
      flockJson<Vote>("validator-1", ["gov", "vote", id, "for", "--reason", "slash lazy validators harder"]),
      flockJson<Vote>("delegator", ["gov", "vote", id, "for"]),
      flockJson<Vote>("validator-2", ["gov", "vote", id, "against"]),
    ]);
    expect([v1.weight, v2.weight, v3.weight]).toEqual([FLOCK(10_000), FLOCK(5_000), FLOCK(9_000)].map(String));
    const shown = await flockJson<{ tally: Record<string, string>; voteEnd: string; state: string }>("creator", [
      "gov",
      "show",
      id,
      "--json",
    ]);
    expect(shown.state).toBe("Active");
    expect(shown.tally).toEqual({
      for: FLOCK(15_000).toString(),
      against: FLOCK(9_000).toString(),
      abstain: "0",
    });
    await Promise.all([
      refused("validator-1", ["gov", "vote", id, "against"], /has already voted on proposal/),
      // FLOCK received after the snapshot does not vote on this proposal
      refused("trainer-strong", ["gov", "vote", id, "for"], /had no votes at proposal \d+'s snapshot/),
      refused(
        "validator-1",
        ["gov", "queue", id],
        /cannot queue proposal \d+: it is Active \(voting closes in \d+ s\)/,
      ),
    ]);

    // ── queue, timelock, execute ──
    await warpTo(chain.url, Number(shown.voteEnd) + 1);
    const queued = await flockJson<{ eta: string }>("trainer-strong", ["gov", "queue", id]);
    expect(BigInt(queued.eta) - BigInt(await now())).toBeLessThanOrEqual(BigInt(DEVNET_GOV.timelockDelay));
    await refused("trainer-strong", ["gov", "execute", id], /is in the timelock until \d+ \(\d+ s from now\)/);
    await warpTo(chain.url, Number(queued.eta));
    const executed = await flockJson<{ changed: { name: string; from: string; to: string }[] }>("trainer-strong", [
      "gov",
      "execute",
      id,
    ]);
    expect(executed.changed).toEqual([{ name: "NON_REVEAL_SLASH_BPS", from: "1000", to: "1500" }]);
    await refused("trainer-strong", ["gov", "execute", id], /it is Executed, not Queued/);

    // ── what `gov show` and `config show` say now ──
    const view = await flockJson<{
      state: string;
      tally: Record<string, string>;
      eta: string;
      quorum: string;
      actions: { call: string; param: { name: string; value: string } }[];
      description: string;
    }>("creator", ["gov", "show", id, "--json"]);
    expect(view).toMatchObject({
      state: "Executed",
      eta: queued.eta,
      description: "Raise the non-reveal slash",
      tally: { for: FLOCK(15_000).toString(), against: FLOCK(9_000).toString(), abstain: "0" },
    });
    expect(view.actions).toEqual([
      expect.objectContaining({
        call: "ProtocolConfig.set(NON_REVEAL_SLASH_BPS, 1500)",
        param: expect.objectContaining({ name: "NON_REVEAL_SLASH_BPS", value: "1500" }),
      }),
    ]);
    // 4% of the supply at the snapshot (55,000 FLOCK minted)
    expect(view.quorum).toBe(FLOCK(2_200).toString());
    const list = await runFlock(["gov", "show"], envOf("creator"));
    expect(list.stdout).toMatch(/Executed[\s\S]*set NON_REVEAL_SLASH_BPS = 15\.00% \(1500 bps\)/);
    const after = await flockJson<{ parameters: { name: string; value: string }[] }>("creator", [
      "config",
      "show",
      "--json",
    ]);
    expect(after.parameters.find((p) => p.name === "NON_REVEAL_SLASH_BPS")?.value).toBe("1500");

    // ── tasks: the one created before keeps its snapshot, a new one takes the new value ──
    const later = await createBareTask(node("creator"), "after");
    const arena = node("deployer").protocol;
    expect((await arena.paramsOf(before)).nonRevealSlashBps).toBe(1000);
    expect((await arena.paramsOf(later)).nonRevealSlashBps).toBe(1500);
  }, 400_000);
});
