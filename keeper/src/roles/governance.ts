/**
 * Governance: the protocol's parameters as they stand, and proposals to change them through `FlockGovernor`.
 *
 * Voting power is `FlockVotes`: wallet FLOCK as delegated on the token (`FlockToken.delegate`; undelegated wallet FLOCK
 * counts for nobody) plus FLOCK bonded in the `StakingVault`, counted for its staker without any delegation. A
 * proposal's weight is read at its snapshot (`voteStart`), a timestamp. A passed proposal is queued in the
 * `TimelockController` (the owner of `ProtocolConfig`) and executed after the timelock's delay, by anyone.
 *
 * Every write checks first what the contract would check — known names, values inside their bounds and consistent with
 * the others (simulated as the timelock), enough votes, the proposal's state and its time — and throws a clear error
 * before anything is sent.
 */
import {
  type Address,
  decodeFunctionData,
  encodeFunctionData,
  formatUnits,
  getAbiItem,
  type Hex,
  keccak256,
  parseEventLogs,
  toHex,
} from "viem";
import { flockGovernorAbi, flockVotesAbi, protocolConfigAbi } from "../../../generated/abis.js";
import { describeRevert } from "../chain/client.js";
import { ConfigError } from "../config.js";
import { formatParam, type ParamUnit, parseParamValue, splitAssignment, unitOf } from "../logic/params.js";
import type { Node } from "../node.js";

/** OpenZeppelin's `IGovernor.ProposalState`, in its Solidity order. */
export const PROPOSAL_STATES = [
  "Pending",
  "Active",
  "Canceled",
  "Defeated",
  "Succeeded",
  "Queued",
  "Expired",
  "Executed",
] as const;
export type ProposalStateName = (typeof PROPOSAL_STATES)[number];

/** `GovernorCountingSimple`'s support values. */
export const SUPPORT = { against: 0, for: 1, abstain: 2 } as const;
export type SupportName = keyof typeof SUPPORT;

export interface ConfigParam {
  name: string;
  key: Hex;
  value: bigint;
  min: bigint;
  max: bigint;
  unit: ParamUnit;
  /** the value in its unit, for people */
  display: string;
}

function gov(node: Node) {
  return { address: node.protocol.deployments.contracts.FlockGovernor, abi: flockGovernorAbi } as const;
}

function votes(node: Node) {
  return { address: node.protocol.deployments.contracts.FlockVotes, abi: flockVotesAbi } as const;
}

// ─── parameters ────────────────────────────────────────────────────────────────────────────────────────────

/** Every parameter of `ProtocolConfig`, in registration order: name, key, current value, unit and bounds. */
export async function configParams(node: Node): Promise<ConfigParam[]> {
  const { protocol } = node;
  const pub = protocol.chain.public;
  const keys = await protocol.read("keys", () => pub.readContract({ ...protocol.config, functionName: "keys" }));
  const [values, names, bounds] = await Promise.all([
    protocol.read("getMany", () => pub.readContract({ ...protocol.config, functionName: "getMany", args: [keys] })),
    Promise.all(
      keys.map((k) =>
        protocol.read("nameOf", () => pub.readContract({ ...protocol.config, functionName: "nameOf", args: [k] })),
      ),
    ),
    Promise.all(
      keys.map((k) =>
        protocol.read("bounds", () => pub.readContract({ ...protocol.config, functionName: "bounds", args: [k] })),
      ),
    ),
  ]);
  return keys.map((key, i) => ({
    name: names[i],
    key,
    value: values[i],
    min: bounds[i][0],
    max: bounds[i][1],
    unit: unitOf(names[i]),
    display: formatParam(names[i], values[i]),
  }));
}

export interface ParamChange {
  name: string;
  key: Hex;
  from: bigint;
  to: bigint;
  unit: ParamUnit;
  display: { from: string; to: string };
}

/**
 * `--set KEY=VALUE` assignments → checked changes. Each problem (not KEY=VALUE, an unknown name, a value that does
 * not parse, outside its bounds, a key set twice, no change) is one line of a `ConfigError`; then the whole batch is
 * simulated as the timelock would execute it, so a value inconsistent with another parameter is refused here too.
 */
export async function planChanges(node: Node, assignments: readonly string[]): Promise<ParamChange[]> {
  if (assignments.length === 0) throw new ConfigError(["give at least one --set KEY=VALUE"]);
  const params = await configParams(node);
  const byName = new Map(params.map((p) => [p.name, p]));
  const problems: string[] = [];
  const changes: ParamChange[] = [];
  const seen = new Set<string>();
  for (const a of assignments) {
    let name: string;
    let text: string;
    try {
      ({ name, value: text } = splitAssignment(a));
    } catch (e) {
      problems.push((e as Error).message);
      continue;
    }
    const p = byName.get(name);
    if (!p) {
      const near = params.filter((q) => q.name.includes(name) || name.includes(q.name)).map((q) => q.name);
      problems.push(
        `${name}: no such parameter${near.length ? ` (did you mean ${near.join(", ")}?)` : ""}; \`flock config show\` lists them`,
      );
      continue;
    }
    if (seen.has(name)) {
      problems.push(`${name}: set more than once`);
      continue;
    }
    seen.add(name);
    let value: bigint;
    try {
      value = parseParamValue(name, text);
    } catch (e) {
      problems.push((e as Error).message);
      continue;
    }
    if (value < p.min || value > p.max) {
      problems.push(
        `${name}=${text}: ${formatParam(name, value)} is outside its bounds [${formatParam(name, p.min)}, ${formatParam(name, p.max)}]`,
      );
      continue;
    }
    if (value === p.value) {
      problems.push(`${name}=${text}: that is already its value`);
      continue;
    }
    changes.push({
      name,
      key: p.key,
      from: p.value,
      to: value,
      unit: p.unit,
      display: { from: formatParam(name, p.value), to: formatParam(name, value) },
    });
  }
  if (problems.length) throw new ConfigError(problems);
  await simulateAsTimelock(node, changes);
  return changes;
}

/** Runs the `set` calls in order as the timelock (the config's owner) would, without sending anything. */
async function simulateAsTimelock(node: Node, changes: readonly ParamChange[]): Promise<void> {
  const { protocol } = node;
  const timelock = protocol.deployments.contracts.TimelockController;
  const calls = changes.map((c) => ({
    to: protocol.config.address,
    abi: protocolConfigAbi,
    functionName: "set" as const,
    args: [c.key, c.to] as const,
  }));
  let results: { status: string; error?: Error }[] | undefined;
  try {
    ({ results } = await protocol.chain.public.simulateCalls({ account: timelock, calls }));
  } catch {
    // a node without eth_simulateV1: each call alone, against the current values
    results = await Promise.all(
      calls.map((c) =>
        protocol.chain.public
          .simulateContract({
            address: c.to,
            abi: c.abi,
            functionName: c.functionName,
            args: c.args,
            account: timelock,
          })
          .then(
            () => ({ status: "success" }),
            (e: Error) => ({ status: "failure", error: e }),
          ),
      ),
    );
  }
  const problems = results.flatMap((r, i) =>
    r.status === "success"
      ? []
      : [
          `${changes[i].name}=${changes[i].display.to}: ProtocolConfig would refuse it: ${r.error ? describeRevert(r.error) : "reverted"}`,
        ],
  );
  if (problems.length) throw new ConfigError(problems);
}

// ─── proposals ─────────────────────────────────────────────────────────────────────────────────────────────

export interface ProposalAction {
  target: Address;
  value: bigint;
  calldata: Hex;
  /** "ProtocolConfig.set(NON_REVEAL_SLASH_BPS, 1500)", or the raw selector when it is not a known call */
  call: string;
  /** for a ProtocolConfig.set: the parameter and its new value */
  param?: { name: string; value: bigint; display: string };
}

export interface ProposalData {
  id: bigint;
  proposer: Address;
  targets: readonly Address[];
  values: readonly bigint[];
  calldatas: readonly Hex[];
  description: string;
  descriptionHash: Hex;
  voteStart: bigint;
  voteEnd: bigint;
  block: bigint;
}

/** The ABI's `ProposalCreated` (no argument is indexed: proposals are found by reading every one in a range). */
const PROPOSAL_CREATED = getAbiItem({ abi: flockGovernorAbi, name: "ProposalCreated" });

async function proposalsIn(node: Node, from: bigint, to: bigint): Promise<ProposalData[]> {
  const { protocol } = node;
  const g = gov(node);
  const logs = await protocol.scanLogs(from, to, (fromBlock, toBlock) =>
    protocol.read(`ProposalCreated [${fromBlock}, ${toBlock}]`, () =>
      protocol.chain.public.getLogs({ address: g.address, event: PROPOSAL_CREATED, fromBlock, toBlock, strict: true }),
    ),
  );
  return logs.map((l) => ({
    id: l.args.proposalId,
    proposer: l.args.proposer,
    targets: l.args.targets,
    values: l.args.values,
    calldatas: l.args.calldatas,
    description: l.args.description,
    descriptionHash: keccak256(toHex(l.args.description)),
    voteStart: l.args.voteStart,
    voteEnd: l.args.voteEnd,
    block: l.blockNumber,
  }));
}

/** Every proposal since the deployment, oldest first. */
export async function listProposals(node: Node): Promise<ProposalData[]> {
  const head = await node.protocol.blockNumber();
  return proposalsIn(node, BigInt(node.protocol.deployments.startBlock), head);
}

/**
 * One proposal's actions and description, from its `ProposalCreated` event. The Governor keeps only hashes, so the
 * event is looked for near where it must be — in the blocks stamped from `snapshot − votingDelay` to the snapshot — and
 * in the whole chain since the deployment when the delay has changed since.
 */
export async function findProposal(node: Node, id: bigint): Promise<ProposalData> {
  const { protocol } = node;
  const g = gov(node);
  const pub = protocol.chain.public;
  const snapshot = await protocol.read("proposalSnapshot", () =>
    pub.readContract({ ...g, functionName: "proposalSnapshot", args: [id] }),
  );
  if (snapshot === 0n) throw new ConfigError([`no proposal ${id} (\`flock gov show\` lists the proposals)`]);
  const delay = await protocol.read("votingDelay", () => pub.readContract({ ...g, functionName: "votingDelay" }));
  const near = await protocol.blocksOfWindow(Number(snapshot - delay), Number(snapshot) + 1);
  if (near) {
    const hit = (await proposalsIn(node, near.from, near.to)).find((p) => p.id === id);
    if (hit) return hit;
  }
  const hit = (await listProposals(node)).find((p) => p.id === id);
  if (!hit) throw new Error(`proposal ${id} exists but its ProposalCreated event was not found`);
  return hit;
}

/** Decodes a proposal's calls: `ProtocolConfig.set(KEY, value)` by name, anything else by selector. */
export async function decodeActions(node: Node, p: ProposalData): Promise<ProposalAction[]> {
  const params = await configParams(node);
  const names = new Map(params.map((q) => [q.key.toLowerCase(), q.name]));
  return p.targets.map((target, i) => {
    const calldata = p.calldatas[i];
    const base = { target, value: p.values[i], calldata };
    if (target.toLowerCase() === node.protocol.config.address.toLowerCase()) {
      try {
        const d = decodeFunctionData({ abi: protocolConfigAbi, data: calldata });
        if (d.functionName === "set") {
          const [key, value] = d.args;
          const name = names.get(key.toLowerCase()) ?? key;
          return {
            ...base,
            call: `ProtocolConfig.set(${name}, ${value})`,
            param: { name, value, display: formatParam(name, value) },
          };
        }
        return { ...base, call: `ProtocolConfig.${d.functionName}(${(d.args ?? []).map(String).join(", ")})` };
      } catch {
        /* not a ProtocolConfig call we know */
      }
    }
    return { ...base, call: `${target}:${calldata.slice(0, 10)}` };
  });
}

export interface ProposalView {
  id: bigint;
  state: ProposalStateName;
  proposer: Address;
  description: string;
  /** the vote opens (and weights are read) at this timestamp */
  voteStart: bigint;
  /** the vote closes at this timestamp (a late quorum may have extended it) */
  voteEnd: bigint;
  /** executable from this timestamp once queued (null before) */
  eta: bigint | null;
  tally: { for: bigint; against: bigint; abstain: bigint };
  /** votes (for + abstain) needed; null before the snapshot */
  quorum: bigint | null;
  actions: ProposalAction[];
  createdBlock: bigint;
}

export async function proposalState(node: Node, id: bigint): Promise<ProposalStateName> {
  const s = await node.protocol.read(`state(${id})`, () =>
    node.protocol.chain.public.readContract({ ...gov(node), functionName: "state", args: [id] }),
  );
  const name = PROPOSAL_STATES[s];
  if (!name) throw new Error(`unknown proposal state ${s}: the governor is newer than this keeper`);
  return name;
}

/** A proposal as the chain sees it: state, tallies, quorum, eta and decoded actions. */
export async function showProposal(node: Node, id: bigint, data?: ProposalData): Promise<ProposalView> {
  const { protocol } = node;
  const g = gov(node);
  const pub = protocol.chain.public;
  const p = data ?? (await findProposal(node, id));
  const [state, deadline, eta, tally, now, actions] = await Promise.all([
    proposalState(node, id),
    protocol.read("proposalDeadline", () => pub.readContract({ ...g, functionName: "proposalDeadline", args: [id] })),
    protocol.read("proposalEta", () => pub.readContract({ ...g, functionName: "proposalEta", args: [id] })),
    protocol.read("proposalVotes", () => pub.readContract({ ...g, functionName: "proposalVotes", args: [id] })),
    protocol.now(),
    decodeActions(node, p),
  ]);
  const quorum =
    BigInt(now) > p.voteStart
      ? await protocol.read("quorum", () => pub.readContract({ ...g, functionName: "quorum", args: [p.voteStart] }))
      : null;
  return {
    id,
    state,
    proposer: p.proposer,
    description: p.description,
    voteStart: p.voteStart,
    voteEnd: deadline,
    eta: eta === 0n ? null : eta,
    tally: { against: tally[0], for: tally[1], abstain: tally[2] },
    quorum,
    actions,
    createdBlock: p.block,
  };
}

/** Every proposal, with its state and tallies. */
export async function showProposals(node: Node): Promise<ProposalView[]> {
  const all = await listProposals(node);
  return Promise.all(all.map((p) => showProposal(node, p.id, p)));
}

// ─── voting power ──────────────────────────────────────────────────────────────────────────────────────────

export interface VotingPower {
  account: Address;
  /** wallet FLOCK delegated to this account on the token */
  wallet: bigint;
  /** FLOCK this account has bonded in the vault (its own shares, every pool) */
  staked: bigint;
  total: bigint;
  /** whom this account's wallet FLOCK is delegated to (zero address: nobody; it then counts for no one) */
  delegate: Address;
  balance: bigint;
  threshold: bigint;
}

export async function votingPower(node: Node, account: Address): Promise<VotingPower> {
  const { protocol } = node;
  const pub = protocol.chain.public;
  const [wallet, staked, total, delegate, balance, threshold] = await Promise.all([
    protocol.read("token.getVotes", () =>
      pub.readContract({ ...protocol.token, functionName: "getVotes", args: [account] }),
    ),
    protocol.read("vault.getVotes", () =>
      pub.readContract({ ...protocol.vault, functionName: "getVotes", args: [account] }),
    ),
    protocol.read("getVotes", () => pub.readContract({ ...votes(node), functionName: "getVotes", args: [account] })),
    protocol.read("delegates", () =>
      pub.readContract({ ...protocol.token, functionName: "delegates", args: [account] }),
    ),
    protocol.balanceOf(account),
    protocol.read("proposalThreshold", () => pub.readContract({ ...gov(node), functionName: "proposalThreshold" })),
  ]);
  return { account, wallet, staked, total, delegate, balance, threshold };
}

/** Delegates the caller's wallet FLOCK votes on the token (to itself by default). Staked FLOCK needs no delegation. */
export async function delegateVotes(node: Node, to?: Address): Promise<{ tx: Hex; delegate: Address; votes: bigint }> {
  const target = to ?? node.chain.address;
  const receipt = await node.chain.write({
    ...node.protocol.token,
    functionName: "delegate",
    args: [target],
    label: "delegate votes",
  });
  const p = await votingPower(node, target);
  return { tx: receipt.transactionHash, delegate: target, votes: p.total };
}

// ─── the lifecycle ─────────────────────────────────────────────────────────────────────────────────────────

export interface Proposed {
  proposalId: bigint;
  tx: Hex;
  voteStart: bigint;
  voteEnd: bigint;
  changes: ParamChange[];
}

/** Proposes `ProtocolConfig.set` calls (executed by the timelock in order), after checking them and the caller's votes. */
export async function propose(node: Node, assignments: readonly string[], description: string): Promise<Proposed> {
  if (!description.trim()) throw new ConfigError(["--description must not be empty"]);
  const changes = await planChanges(node, assignments);
  const { protocol } = node;
  const g = gov(node);
  const pub = protocol.chain.public;
  const me = node.chain.address;
  const [clock, threshold] = await Promise.all([
    protocol.read("clock", () => pub.readContract({ ...g, functionName: "clock" })),
    protocol.read("proposalThreshold", () => pub.readContract({ ...g, functionName: "proposalThreshold" })),
  ]);
  // the governor reads the proposer's votes one second back (`clock() - 1`)
  const mine = await protocol.read("getPastVotes", () =>
    pub.readContract({ ...votes(node), functionName: "getPastVotes", args: [me, BigInt(clock) - 1n] }),
  );
  if (mine < threshold)
    throw new ConfigError([
      `${me} has ${formatUnits(mine, 18)} FLOCK of votes; proposing needs ${formatUnits(threshold, 18)} FLOCK ` +
        "(stake FLOCK, or delegate wallet FLOCK with `flock gov delegate`; votes count from the next second)",
    ]);
  const targets = changes.map(() => protocol.config.address);
  const values = changes.map(() => 0n);
  const calldatas = changes.map((c) =>
    encodeFunctionData({ abi: protocolConfigAbi, functionName: "set", args: [c.key, c.to] }),
  );
  const receipt = await node.chain.write({
    ...g,
    functionName: "propose",
    args: [targets, values, calldatas, description],
    label: "propose",
  });
  const [ev] = parseEventLogs({ abi: flockGovernorAbi, logs: receipt.logs, eventName: "ProposalCreated" });
  if (!ev) throw new Error(`propose: no ProposalCreated event in ${receipt.transactionHash}`);
  return {
    proposalId: ev.args.proposalId,
    tx: receipt.transactionHash,
    voteStart: ev.args.voteStart,
    voteEnd: ev.args.voteEnd,
    changes,
  };
}

/** A proposal's state and times, from the governor's views only (no log reads). */
async function proposalTimes(node: Node, id: bigint) {
  const { protocol } = node;
  const g = gov(node);
  const pub = protocol.chain.public;
  const [snapshot, deadline, eta, now] = await Promise.all([
    protocol.read("proposalSnapshot", () => pub.readContract({ ...g, functionName: "proposalSnapshot", args: [id] })),
    protocol.read("proposalDeadline", () => pub.readContract({ ...g, functionName: "proposalDeadline", args: [id] })),
    protocol.read("proposalEta", () => pub.readContract({ ...g, functionName: "proposalEta", args: [id] })),
    protocol.now(),
  ]);
  if (snapshot === 0n) throw new ConfigError([`no proposal ${id} (\`flock gov show\` lists the proposals)`]);
  const state = await proposalState(node, id);
  return { state, voteStart: snapshot, voteEnd: deadline, eta: eta === 0n ? null : eta, now: BigInt(now) };
}

async function requireState(node: Node, id: bigint, want: ProposalStateName, doing: string) {
  const t = await proposalTimes(node, id);
  if (t.state !== want) {
    const when =
      t.state === "Pending"
        ? ` (voting opens in ${t.voteStart - t.now + 1n} s)`
        : t.state === "Active"
          ? ` (voting closes in ${t.voteEnd - t.now + 1n} s)`
          : "";
    throw new ConfigError([`cannot ${doing} proposal ${id}: it is ${t.state}${when}, not ${want}`]);
  }
  return t;
}

export interface Voted {
  proposalId: bigint;
  tx: Hex;
  support: SupportName;
  weight: bigint;
  reason: string;
  tally: { for: bigint; against: bigint; abstain: bigint };
}

/** Casts the caller's vote (its voting power at the proposal's snapshot). */
export async function castVote(node: Node, id: bigint, support: SupportName, reason = ""): Promise<Voted> {
  const { protocol } = node;
  const g = gov(node);
  const pub = protocol.chain.public;
  const me = node.chain.address;
  const view = await requireState(node, id, "Active", "vote on");
  const [voted, weight] = await Promise.all([
    protocol.read("hasVoted", () => pub.readContract({ ...g, functionName: "hasVoted", args: [id, me] })),
    protocol.read("getPastVotes", () =>
      pub.readContract({ ...votes(node), functionName: "getPastVotes", args: [me, view.voteStart] }),
    ),
  ]);
  if (voted) throw new ConfigError([`${me} has already voted on proposal ${id}`]);
  if (weight === 0n)
    throw new ConfigError([
      `${me} had no votes at proposal ${id}'s snapshot (voting power counts staked FLOCK and wallet FLOCK delegated before the vote opened)`,
    ]);
  const receipt = await node.chain.write({
    ...g,
    functionName: "castVoteWithReason",
    args: [id, SUPPORT[support], reason],
    label: `vote ${support} on ${id}`,
  });
  const [ev] = parseEventLogs({ abi: flockGovernorAbi, logs: receipt.logs, eventName: "VoteCast" });
  const tally = await protocol.read("proposalVotes", () =>
    pub.readContract({ ...g, functionName: "proposalVotes", args: [id] }),
  );
  return {
    proposalId: id,
    tx: receipt.transactionHash,
    support,
    weight: ev?.args.weight ?? weight,
    reason,
    tally: { against: tally[0], for: tally[1], abstain: tally[2] },
  };
}

/** Queues a succeeded proposal in the timelock; returns when it becomes executable. */
export async function queueProposal(node: Node, id: bigint): Promise<{ proposalId: bigint; tx: Hex; eta: bigint }> {
  await requireState(node, id, "Succeeded", "queue");
  const p = await findProposal(node, id);
  const receipt = await node.chain.write({
    ...gov(node),
    functionName: "queue",
    args: [p.targets, p.values, p.calldatas, p.descriptionHash],
    label: `queue ${id}`,
  });
  const [ev] = parseEventLogs({ abi: flockGovernorAbi, logs: receipt.logs, eventName: "ProposalQueued" });
  if (!ev) throw new Error(`queue: no ProposalQueued event in ${receipt.transactionHash}`);
  return { proposalId: id, tx: receipt.transactionHash, eta: ev.args.etaSeconds };
}

/** Executes a queued proposal once its timelock delay has passed; returns the parameters it changed. */
export async function executeProposal(
  node: Node,
  id: bigint,
): Promise<{ proposalId: bigint; tx: Hex; changed: { name: string; from: bigint; to: bigint }[] }> {
  const t = await requireState(node, id, "Queued", "execute");
  if (t.eta !== null && t.now < t.eta)
    throw new ConfigError([`proposal ${id} is in the timelock until ${t.eta} (${t.eta - t.now} s from now)`]);
  const p = await findProposal(node, id);
  const receipt = await node.chain.write({
    ...gov(node),
    functionName: "execute",
    args: [p.targets, p.values, p.calldatas, p.descriptionHash],
    label: `execute ${id}`,
  });
  const changed = parseEventLogs({ abi: protocolConfigAbi, logs: receipt.logs, eventName: "ParameterSet" }).map(
    (e) => ({ name: e.args.name, from: e.args.oldValue, to: e.args.newValue }),
  );
  return { proposalId: id, tx: receipt.transactionHash, changed };
}
