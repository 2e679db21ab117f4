/**
 * The demo's governance act: after the Arena task, validators vote with their staked FLOCK to raise the slash of a
 * validator that commits and never reveals (the lazy validator just lost 10%). validator-1 proposes, the validators
 * vote (weights at the snapshot), the devnet moves anvil's clock through the voting delay, the vote and the timelock,
 * and anyone queues and executes. The value before and after, and the tally, are read back through GraphQL.
 */

import { until } from "../logic/async.js";
import { keyOf } from "../logic/params.js";
import type { Node } from "../node.js";
import { castVote, executeProposal, propose, queueProposal, type SupportName } from "../roles/governance.js";
import type { ActorName } from "./actors.js";
import { warpTo } from "./anvil.js";
import { graphql } from "./graphql.js";

export interface GovernanceSummary {
  governor: string;
  timelock: string;
  proposalId: string;
  key: string;
  /** the value before and after, read through GraphQL */
  before: string;
  after: string;
  description: string;
  tally: { for: string; against: string; abstain: string; voters: number; quorum: string | null };
  votes: { voter: string; support: string; weight: string }[];
  /** wall time of the act, seconds */
  seconds: number;
}

export interface GovernanceContext {
  rpcUrl: string;
  graphqlUrl: string;
  node(name: ActorName): Node;
  say(m: string): void;
}

const KEY = "NON_REVEAL_SLASH_BPS";
const NEW_VALUE = "1500";
const DESCRIPTION =
  "Raise the non-reveal slash to 15%\n\nA validator that commits scores and never reveals them wastes a task's " +
  "validator set; 10% did not deter validator-lazy.";

const BALLOT: [ActorName, SupportName][] = [
  ["validator-1", "for"],
  ["validator-2", "for"],
  ["validator-3", "for"],
  ["validator-4", "abstain"],
  ["validator-random", "against"],
];

async function indexedParam(graphqlUrl: string): Promise<string | undefined> {
  const d = await graphql<{ parameter: { value: string } | null }>(
    graphqlUrl,
    "query($key: String!) { parameter(key: $key) { value } }",
    { key: keyOf(KEY) },
  );
  return d.parameter?.value;
}

export async function playGovernance(ctx: GovernanceContext): Promise<GovernanceSummary> {
  const t0 = performance.now();
  const { node, say } = ctx;
  const keeper = node("keeper");
  const before = await until(() => indexedParam(ctx.graphqlUrl), 30_000, `${KEY} in the index`);

  const proposed = await propose(node("validator-1"), [`${KEY}=${NEW_VALUE}`], DESCRIPTION);
  const id = proposed.proposalId;
  say(`▸ governance: validator-1 proposed ${KEY} ${before} → ${NEW_VALUE} bps (proposal ${shortId(id)})`);

  await warpTo(ctx.rpcUrl, Number(proposed.voteStart) + 1);
  for (const [who, support] of BALLOT) await castVote(node(who), id, support);
  say(`▸ governance: ${BALLOT.length} validators voted with their staked FLOCK`);

  await warpTo(ctx.rpcUrl, Number(proposed.voteEnd) + 1);
  const { eta } = await queueProposal(keeper, id);
  await warpTo(ctx.rpcUrl, Number(eta));
  await executeProposal(keeper, id);
  say(
    "▸ governance: passed, queued in the timelock and executed (anvil's clock moved through delay, vote and timelock)",
  );

  const after = await until(
    async () => {
      const v = await indexedParam(ctx.graphqlUrl);
      return v !== undefined && v !== before ? v : undefined;
    },
    30_000,
    `the new ${KEY} in the index`,
  );
  const d = await until(
    async () => {
      const r = await graphql<{
        proposal: {
          state: string;
          forVotes: string;
          againstVotes: string;
          abstainVotes: string;
          voters: number;
          quorum: string | null;
          votes: { items: { voter: string; support: string; weight: string }[] };
        } | null;
      }>(
        ctx.graphqlUrl,
        `query($id: BigInt!) { proposal(id: $id) { state forVotes againstVotes abstainVotes voters quorum
           votes(orderBy: "weight", orderDirection: "desc", limit: 20) { items { voter support weight } } } }`,
        { id: id.toString() },
      );
      return r.proposal?.state === "executed" ? r.proposal : undefined;
    },
    30_000,
    "the executed proposal in the index",
  );
  const { contracts } = keeper.protocol.deployments;
  return {
    governor: contracts.FlockGovernor,
    timelock: contracts.TimelockController,
    proposalId: id.toString(),
    key: KEY,
    before,
    after,
    description: DESCRIPTION.split("\n")[0],
    tally: { for: d.forVotes, against: d.againstVotes, abstain: d.abstainVotes, voters: d.voters, quorum: d.quorum },
    votes: d.votes.items,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
  };
}

function shortId(id: bigint): string {
  const s = id.toString();
  return s.length > 12 ? `${s.slice(0, 6)}…${s.slice(-4)}` : s;
}
