import { describe, expect, it } from "vitest";
import {
  checkpointTimestamp,
  type LeaderboardRows,
  leaderboardBody,
  poolStakes,
  rankSubmissions,
  toJson,
} from "../src/api/views.js";
import { CLAIM_KIND, enumName, SLASH_REASON } from "../src/lib/enums.js";
import { slashRowId } from "../src/lib/ids.js";
import { release } from "../src/lib/locks.js";
import { phaseAt } from "../src/lib/phase.js";
import { sharesToAssets } from "../src/lib/shares.js";

const windows = { submissionStart: 100n, submissionEnd: 200n, publishEnd: 300n, commitEnd: 400n, revealEnd: 500n };

describe("phaseAt", () => {
  it("follows the [start, end) windows", () => {
    const t = { ...windows, status: "active" };
    expect(phaseAt(t, 99n)).toBe("Created");
    expect(phaseAt(t, 100n)).toBe("Submission");
    expect(phaseAt(t, 199n)).toBe("Submission");
    expect(phaseAt(t, 200n)).toBe("Publish");
    expect(phaseAt(t, 300n)).toBe("Commit");
    expect(phaseAt(t, 400n)).toBe("Reveal");
    expect(phaseAt(t, 499n)).toBe("Reveal");
    expect(phaseAt(t, 500n)).toBe("Finalizing");
  });
  it("keeps settled and cancelled whatever the time", () => {
    expect(phaseAt({ ...windows, status: "settled" }, 0n)).toBe("Settled");
    expect(phaseAt({ ...windows, status: "cancelled" }, 250n)).toBe("Cancelled");
  });
});

describe("rankSubmissions", () => {
  const s = (trainer: string, rank: number | null, consensus: number | null, seq: bigint, published = true) => ({
    trainer,
    rank,
    consensus,
    commitSeq: seq,
    published,
    index: 0,
  });
  it("puts ranked first by rank, then published by consensus and earlier commit, then unpublished", () => {
    const rows = [
      s("u", null, null, 1n, false),
      s("p2", null, 50, 9n),
      s("r1", 1, 10, 5n),
      s("p1", null, 50, 3n),
      s("r0", 0, 90, 7n),
      s("p0", null, 70, 8n),
    ];
    expect(rankSubmissions(rows).map((r) => r.trainer)).toEqual(["r0", "r1", "p0", "p1", "p2", "u"]);
  });
});

describe("share math and helpers", () => {
  it("converts shares with the vault's virtual offset, rounding down", () => {
    expect(sharesToAssets(1000n, 0n, 0n)).toBe(1n);
    expect(sharesToAssets(5000n * 10n ** 21n, 5000n * 10n ** 18n, 5000n * 10n ** 21n)).toBe(5000n * 10n ** 18n);
    expect(sharesToAssets(1n, 1n, 1n)).toBe(0n);
  });
  it("splits a pool into self and delegated stake", () => {
    const pool = { bondedAssets: 3000n * 10n ** 18n, totalShares: 3000n * 10n ** 21n, selfShares: 1000n * 10n ** 21n };
    const { selfStake, delegatedStake } = poolStakes(pool);
    expect(selfStake + delegatedStake).toBe(pool.bondedAssets);
    expect(selfStake).toBe(sharesToAssets(pool.selfShares, pool.bondedAssets, pool.totalShares));
  });
  it("serialises bigints as decimal strings", () => {
    expect(toJson({ a: 1n, b: [2n, { c: 3n }], d: null, e: "x" })).toEqual({
      a: "1",
      b: ["2", { c: "3" }],
      d: null,
      e: "x",
    });
  });
  it("reads the timestamp out of a Ponder checkpoint", () => {
    expect(checkpointTimestamp(`1795778266${"0".repeat(65)}`)).toBe(1795778266n);
    expect(checkpointTimestamp("")).toBeUndefined();
  });
  it("names enum values and keeps unknown ones readable", () => {
    expect(enumName(SLASH_REASON, 2)).toBe("Deviation");
    expect(enumName(CLAIM_KIND, 5n)).toBe("UnlockOnly");
    expect(enumName(SLASH_REASON, 9)).toBe("Unknown(9)");
  });
  it("joins the vault's and the module's slash events on one key", () => {
    expect(slashRowId("0xAB", 3n, "0xCD", "0xEF")).toBe("0xab:3:0xcd:0xef");
  });
});

describe("release (the vault's releasedThrough, mirrored)", () => {
  it("advances over the released prefix and keeps later releases aside", () => {
    let pool = { releasedThrough: 0, releasedAhead: [] as number[] };
    pool = release(pool, 2);
    expect(pool).toEqual({ releasedThrough: 0, releasedAhead: [2] });
    pool = release(pool, 3);
    expect(pool).toEqual({ releasedThrough: 0, releasedAhead: [2, 3] });
    pool = release(pool, 1);
    expect(pool).toEqual({ releasedThrough: 3, releasedAhead: [] });
    pool = release(pool, 5);
    pool = release(pool, 4);
    expect(pool).toEqual({ releasedThrough: 5, releasedAhead: [] });
  });
});

describe("leaderboardBody", () => {
  const task: LeaderboardRows["task"] = {
    id: "3",
    creator: "0xc",
    specCid: "spec",
    evalCid: null,
    status: "active",
    stage: "None",
    cancelReason: null,
    rewardPool: "1000",
    fee: "10",
    bond: "5",
    submissionStart: "100",
    submissionEnd: "200",
    evalRevealEnd: "250",
    publishEnd: "300",
    commitEnd: "400",
    revealEnd: "500",
    minScore: 1,
    spamScore: 0,
    trainers: 3,
    published: 2,
    validators: 0,
    revealed: 0,
    unavailable: 0,
    evictions: 1,
    displacements: 1,
    contested: 0,
    minRevealedStake: "10000",
    maxScoreDeviation: 2500,
    trainerNonRevealSlashBps: 1000,
    trainerNonRevealSlashed: "0",
    trainerPot: null,
    validatorPot: null,
    protocolFee: null,
    keeperBounty: "0",
    slashed: "0",
    paidTrainers: null,
    rewardedValidators: null,
    creatorRefund: null,
    bondShare: null,
  };
  const sub = (trainer: string, rank: number | null, published: boolean, commitSeq: string) => ({
    trainer,
    index: null,
    modelCid: null,
    published,
    commitSeq,
    consensus: null,
    rank,
    reward: null,
    spam: false,
    contested: false,
    displaced: trainer === "u",
    displacedBy: trainer === "u" ? "early" : null,
    slashed: "0",
    claimed: false,
  });
  it("ranks the submissions (commit sequences compared as integers) and derives the phase at the checkpoint", () => {
    const body = leaderboardBody(
      {
        task,
        submissions: [
          sub("late", null, true, "10"),
          sub("u", null, false, "1"),
          sub("early", null, true, "9"),
          sub("r", 0, true, "11"),
        ],
        validators: [],
        slashes: [],
      },
      250n,
    );
    expect(body.asOf).toBe("250");
    expect(body.task.phase).toBe("Publish");
    expect(body.task.windows.revealEnd).toBe("500");
    expect(body.task.windows.evalRevealEnd).toBe("250");
    expect(body.task.maxScoreDeviation).toBe(2500);
    expect(body.submissions.find((s) => s.trainer === "u")).toMatchObject({ displaced: true, displacedBy: "early" });
    expect(body.submissions.map((s) => s.trainer)).toEqual(["r", "early", "late", "u"]);
    expect(JSON.parse(JSON.stringify(body)).task.counts).toEqual({
      trainers: 3,
      published: 2,
      validators: 0,
      revealed: 0,
      unavailable: 0,
      evictions: 1,
      displacements: 1,
      contested: 0,
    });
  });
});
