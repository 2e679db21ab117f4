/** The model identity rules, pure: the canonical CID form, the `flock.json` manifest, identical-weights detection. */

import { CID } from "multiformats/cid";
import { create as createDigest } from "multiformats/hashes/digest";
import { describe, expect, it } from "vitest";
import { CANONICAL_LENGTH, canonicalCid, NonCanonicalCidError, nonCanonicalReason } from "../src/logic/cid.js";
import {
  copiedWeights,
  MANIFEST_FILE,
  manifestBytes,
  manifestMismatch,
  sharedDigests,
  weightsDigest,
  withManifest,
} from "../src/logic/submission.js";
import type { FileMap } from "../src/types.js";

// one dag-pb node as CIDv0 and as canonical CIDv1 (CID.parse(V0).toV1()), and another directory's CIDv1
const V0 = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG";
const V0_AS_V1 = "bafybeie5nqv6kd3qnfjupgvz34woh3oksc3iau6abmyajn7qvtf6d2ho34";
const V1 = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
const RAW_LEAF = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
// a CIDv1 dag-pb "sha2-256" whose digest is truncated to 20 bytes: parses, but is not the 59-character form
const SHORT_DIGEST = CID.createV1(0x70, createDigest(0x12, new Uint8Array(20).fill(7))).toString();

describe("canonical CIDs", () => {
  it("accepts exactly CIDv1 dag-pb sha2-256 in lowercase base32, 59 characters (what ModelCid.digestOf accepts)", () => {
    expect(V1).toHaveLength(CANONICAL_LENGTH);
    expect(nonCanonicalReason(V1)).toBeNull();
    expect(nonCanonicalReason(V0_AS_V1)).toBeNull();
    expect(canonicalCid(V1, "model")).toBe(V1);
  });
  it.each([
    [V0, /CIDv0/],
    [V1.toUpperCase(), /not a CID/],
    [` ${V1}`, /not a CID|lowercase base32/],
    [RAW_LEAF, /not dag-pb/],
    [SHORT_DIGEST, /20-byte digest/],
    ["not-a-cid", /not a CID/],
  ])("rejects %s", (cid, why) => {
    expect(nonCanonicalReason(cid)).toMatch(why);
    expect(() => canonicalCid(cid, "model CID")).toThrow(NonCanonicalCidError);
  });
});

const ctx = {
  chainId: 31337,
  arena: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  taskId: 7n,
  node: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
} as const;
const model = (weights: number[]): FileMap =>
  new Map([
    ["model.json", new TextEncoder().encode(JSON.stringify({ weightsManifest: [{ paths: ["weights.bin"] }] }))],
    ["weights.bin", new Uint8Array(weights)],
  ]);

describe("the flock.json manifest", () => {
  it("is stable bytes naming protocol, chain, arena, task and node, and matches its own submission", () => {
    expect(manifestBytes(ctx)).toEqual(manifestBytes({ ...ctx, arena: ctx.arena.toLowerCase() as `0x${string}` }));
    const files = withManifest(model([1, 2, 3]), ctx);
    expect(JSON.parse(new TextDecoder().decode(files.get(MANIFEST_FILE)))).toEqual({
      protocol: "flock-arena/1",
      chainId: 31337,
      arena: ctx.arena,
      taskId: "7",
      node: ctx.node,
    });
    expect(manifestMismatch(files, ctx)).toBeNull();
  });

  it.each([
    ["a missing manifest", model([1]), /no flock\.json/],
    ["another node", withManifest(model([1]), { ...ctx, node: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" }), /node/],
    ["another task", withManifest(model([1]), { ...ctx, taskId: 8n }), /task 8, not 7/],
    ["another chain", withManifest(model([1]), { ...ctx, chainId: 8453 }), /chain 8453/],
    [
      "another arena",
      withManifest(model([1]), { ...ctx, arena: "0x0000000000000000000000000000000000000001" }),
      /arena/,
    ],
    ["garbage", new Map([[MANIFEST_FILE, new TextEncoder().encode("{nope")]]), /not UTF-8 JSON/],
    [
      "an unknown protocol",
      new Map([[MANIFEST_FILE, new TextEncoder().encode(JSON.stringify({ protocol: "other/9" }))]]),
      /malformed/,
    ],
  ])("rejects %s", (_what, files, why) => {
    expect(manifestMismatch(files, ctx)).toMatch(why);
  });
});

describe("identical weights", () => {
  it("digests the weight shards named by model.json, not the manifest", () => {
    const a = withManifest(model([1, 2, 3]), ctx);
    const b = withManifest(model([1, 2, 3]), { ...ctx, node: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" });
    expect(weightsDigest(a)).toBe(weightsDigest(b));
    expect(weightsDigest(model([1, 2, 4]))).not.toBe(weightsDigest(a));
    expect(weightsDigest(new Map())).toBeUndefined();
    expect(weightsDigest(new Map([["model.json", new TextEncoder().encode("{")]]))).toBeUndefined();
  });

  it("zeroes every later copy and keeps the earliest commitment, whatever the reveal order", () => {
    const entries = [
      { index: 0, commitSeq: 5, digest: "x" }, // revealed first, committed after index 2
      { index: 1, commitSeq: 2, digest: "y" },
      { index: 2, commitSeq: 3, digest: "x" },
      { index: 3, commitSeq: 9, digest: "x" },
      { index: 4, commitSeq: 1, digest: undefined },
      { index: 5, commitSeq: 4, digest: undefined },
    ];
    expect(sharedDigests(entries)).toEqual([0, 2, 3]);
    expect([...copiedWeights(entries)].sort()).toEqual([
      [0, 2],
      [3, 2],
    ]);
  });
});
