/**
 * An FL alliance played with viem on a chain deployed by `deployProtocol`: 4 operators (the scenario's training nodes)
 * join a 2-round trimmed-mean alliance; in round 1 every voter scores one proposer's update 1000 against 7800 for the
 * others (it is excluded and slashed); in round 2 one voter never reveals its vote (slashed for it); then everyone
 * claims. Shared by the alliance index test and the Explorer test.
 */
import { type Abi, type Address, parseEther } from "viem";
import { flAllianceAbi } from "../../generated/abis.js";
import { warp } from "./chain.js";
import { type Actors, type Driver, saltOf } from "./scenario.js";

type Account = Actors["creator"];

export interface PlayedAlliance {
  id: bigint;
  /** the proposer excluded and slashed in round 1 */
  damned: Address;
  /** the voter that never reveals its vote in round 2 */
  lazy: Address;
}

/**
 * Plays the alliance. `register`: the operators are not registered yet (a fresh chain); otherwise they already have a
 * pool with enough free stake (the Arena scenario's training nodes).
 */
export async function playAlliance(
  d: Driver,
  rpcUrl: string,
  a: Actors,
  opts: { register: boolean },
): Promise<PlayedAlliance> {
  const people = a.trainers;
  const lazy = people[3].address;
  const alliance = { address: d.addresses.FLAlliance, abi: flAllianceAbi } as const;
  const send = (from: Account, fn: string, args: readonly unknown[]) =>
    d.send(from, d.addresses.FLAlliance, flAllianceAbi as Abi, fn, args);
  const max = 2n ** 256n - 1n;
  if (opts.register) {
    for (const acct of [a.creator, ...people]) await d.token(a.creator, "mint", [acct.address, parseEther("100000")]);
    for (const t of people) {
      await d.token(t, "approve", [d.addresses.StakingVault, max]);
      await d.vault(t, "register", [1, 0]);
      await d.vault(t, "stake", [parseEther("5000")]);
    }
  }
  await d.token(a.creator, "approve", [d.addresses.FLAlliance, max]);
  const id = (await d.pub.readContract({ ...alliance, functionName: "allianceCount" })) + 1n;
  const windows = { join: 3600, updateCommit: 3600, updateReveal: 3600, scoreCommit: 3600, scoreReveal: 3600 };
  await send(a.creator, "createAlliance", [
    {
      source: 0,
      parentId: 0n,
      startCid: "bafy-start",
      rewardPool: parseEther("1000"),
      minStake: parseEther("1000"),
      rounds: 2,
      minParticipants: 3,
      maxParticipants: 4,
      proposersPerRound: 2,
      rule: 1,
      ruleParam: 2000,
      windows: { ...windows, voteCommit: 3600, voteReveal: 3600 },
    },
  ]);
  for (const t of people) await send(t, "join", [id, parseEther("2000")]);
  await send(a.keeper, "advance", [id]);

  const round = (r: number) => d.pub.readContract({ ...alliance, functionName: "getRound", args: [id, r] });
  /** Round `r`: every proposer commits and reveals; the damned one's update is scored 1000 by everyone. */
  async function play(r: number, damned: Address | undefined, lazyVoter?: Address) {
    const { proposers } = await round(r);
    const salt = (who: Address, what: string) => saltOf(`${id}:${r}:${who}:${what}`);
    const who = (addr: Address) => people.find((x) => x.address === addr)!;
    for (const p of proposers) {
      const c = await d.pub.readContract({
        ...alliance,
        functionName: "updateCommitmentOf",
        args: [id, r, p, `bafy-update-${r}-${p}`, 100, salt(p, "u")],
      });
      await send(who(p), "commitUpdate", [id, c]);
    }
    for (const p of proposers) await send(who(p), "revealUpdate", [id, `bafy-update-${r}-${p}`, 100, salt(p, "u")]);
    const sorted = [...proposers].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
    const scores = [8000, ...sorted.map((p) => (p === damned ? 1000 : 7800))];
    for (const v of people) {
      const c = await d.pub.readContract({
        ...alliance,
        functionName: "scoresCommitmentOf",
        args: [id, r, v.address, scores, salt(v.address, "s")],
      });
      await send(v, "commitScores", [id, c]);
    }
    for (const v of people) await send(v, "revealScores", [id, scores, salt(v.address, "s")]);
    const cand = `bafy-candidate-${r}`;
    for (const v of people) {
      const c = await d.pub.readContract({
        ...alliance,
        functionName: "voteCommitmentOf",
        args: [id, r, v.address, true, cand, salt(v.address, "v")],
      });
      await send(v, "commitVote", [id, c]);
    }
    for (const v of people)
      if (v.address !== lazyVoter) await send(v, "revealVote", [id, true, cand, salt(v.address, "v")]);
    if (lazyVoter) await warp(rpcUrl, 3600);
    await send(a.keeper, "advance", [id]);
  }

  const damned = (await round(1)).proposers[0];
  await play(1, damned);
  await play(2, undefined, lazy);
  for (const t of people) await send(a.keeper, "claim", [id, t.address]);
  await send(a.keeper, "claim", [id, a.creator.address]);
  return { id, damned, lazy };
}
