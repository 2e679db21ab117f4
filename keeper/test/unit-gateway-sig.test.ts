/**
 * The gateway's WebAssembly signature path (libsecp256k1 recovery, Keccak) gives exactly viem's answers: the same
 * body hash, the same signer for every form of a valid signature (v 27/28, v 0/1, EIP-2098 64 bytes), and no signer
 * for a malformed or out-of-range one.
 */
import { randomBytes } from "node:crypto";
import {
  type Address,
  bytesToHex,
  type Hex,
  hashTypedData,
  hexToBytes,
  keccak256,
  parseSignature,
  recoverTypedDataAddress,
  serializeSignature,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import {
  bodyHashOf,
  domainOf,
  GatewayError,
  INFERENCE_TYPES,
  inferenceDigest,
  recoverSigner,
  verifyAuth,
} from "../src/gateway/protocol.js";

const DOMAIN = { chainId: 31337, marketplace: "0xA51c1fc2f0D1a1b8494Ed1FE312d7C3a78Ed91C0" as Address };
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
const hex32 = (x: bigint) => `0x${x.toString(16).padStart(64, "0")}` as Hex;

async function signed(i: number) {
  const account = privateKeyToAccount(generatePrivateKey());
  const body = new Uint8Array(randomBytes(1 + ((i * 997) % 20_000)));
  const message = {
    listingId: BigInt(i),
    bodyHash: keccak256(body),
    nonce: BigInt(i * 7 + 1),
    deadline: 1_900_000_000n,
  };
  const signature = await account.signTypedData({
    domain: domainOf(DOMAIN),
    types: INFERENCE_TYPES,
    primaryType: "Inference",
    message,
  });
  const digest = hashTypedData({ domain: domainOf(DOMAIN), types: INFERENCE_TYPES, primaryType: "Inference", message });
  return { account, body, message, signature, digest };
}

describe("the gateway's signature check (WebAssembly)", () => {
  it("hashes bodies as viem's keccak256 does, from 0 bytes to 1 MiB", () => {
    for (const size of [0, 1, 135, 136, 137, 4096, 15_099, 1 << 20]) {
      const body = new Uint8Array(randomBytes(size));
      expect(bodyHashOf(body), `${size} bytes`).toBe(keccak256(body));
    }
  });

  it("computes viem's EIP-712 digest for any domain and any uint256 values, and refuses out-of-range ones", () => {
    const MAX = (1n << 256n) - 1n;
    const big = () => BigInt(bytesToHex(randomBytes(32)));
    const small = () => BigInt(randomBytes(1)[0]!);
    const cases: { chainId: number; marketplace: Address; values: [bigint, bigint, bigint] }[] = [
      { ...DOMAIN, values: [0n, 0n, 0n] },
      { ...DOMAIN, values: [MAX, MAX, MAX] },
      { chainId: 1, marketplace: "0x0000000000000000000000000000000000000000", values: [1n, MAX, 0n] },
      { chainId: 2 ** 31 - 1, marketplace: "0xFFfFfFffFFfffFFfFFfFFFFFffFFFffffFfFFFfF", values: [MAX, 0n, 1n] },
    ];
    for (let i = 0; i < 300; i++) {
      const pick = () => [big, small, () => MAX, () => 0n][i % 4]!();
      cases.push({
        chainId: 1 + Number(randomBytes(4).readUInt32BE() % 2 ** 31),
        marketplace: bytesToHex(randomBytes(20)) as Address,
        values: [pick(), big(), pick()],
      });
    }
    for (const c of cases) {
      const [listingId, nonce, deadline] = c.values;
      const bodyHash = randomBytes(32);
      const message = { listingId, bodyHash: bytesToHex(bodyHash), nonce, deadline };
      const expected = hashTypedData({
        domain: domainOf(c),
        types: INFERENCE_TYPES,
        primaryType: "Inference",
        message,
      });
      expect(
        bytesToHex(inferenceDigest(c, { listingId, bodyHash, nonce, deadline })),
        JSON.stringify(c, (_, v) => (typeof v === "bigint" ? String(v) : v)),
      ).toBe(expected);
    }
    const ok = { listingId: 1n, bodyHash: new Uint8Array(32), nonce: 1n, deadline: 1n };
    expect(() => inferenceDigest(DOMAIN, { ...ok, nonce: MAX + 1n })).toThrow(/nonce is not a uint256/);
    expect(() => inferenceDigest(DOMAIN, { ...ok, deadline: -1n })).toThrow(/deadline is not a uint256/);
    expect(() => inferenceDigest(DOMAIN, { ...ok, bodyHash: new Uint8Array(31) })).toThrow(/32 bytes/);
  });

  it("recovers viem's signer for every form of 200 valid signatures", async () => {
    for (let i = 0; i < 200; i++) {
      const s = await signed(i);
      const viemSigner = await recoverTypedDataAddress({
        domain: domainOf(DOMAIN),
        types: INFERENCE_TYPES,
        primaryType: "Inference",
        message: s.message,
        signature: s.signature,
      });
      expect(viemSigner).toBe(s.account.address);
      const parts = parseSignature(s.signature);
      const v01 = serializeSignature({ r: parts.r, s: parts.s, yParity: parts.yParity }); // v 27/28
      const raw = hexToBytes(v01);
      raw[64] = parts.yParity!; // v 0/1
      const compact = hexToBytes(v01).slice(0, 64); // EIP-2098: yParity in the top bit of s
      compact[32]! |= parts.yParity! << 7;
      for (const form of [s.signature, v01, bytesToHex(raw), bytesToHex(compact)])
        expect(recoverSigner(s.digest, form), form).toBe(s.account.address);
      // and through verifyAuth, with the body the signature covers
      await expect(
        verifyAuth(
          { address: s.account.address, signature: s.signature, nonce: s.message.nonce, deadline: s.message.deadline },
          DOMAIN,
          s.message.listingId,
          s.body,
        ),
      ).resolves.toBe(s.account.address);
    }
  });

  it("finds no signer for a malformed or out-of-range signature", async () => {
    const s = await signed(1);
    const { r, s: sv, yParity } = parseSignature(s.signature);
    // r‖s‖v by hand (viem refuses to serialize out-of-range values)
    const sig = (rr: Hex, ss: Hex) => `${rr}${ss.slice(2)}${(27 + yParity!).toString(16)}` as Hex;
    const bad: Hex[] = [
      sig(hex32(0n), sv),
      sig(r, hex32(0n)),
      sig(r, hex32(N)),
      sig(hex32(P), sv),
      `${s.signature.slice(0, 130)}1d` as Hex, // v = 29
      `${s.signature.slice(0, 130)}02` as Hex, // v = 2
      s.signature.slice(0, 128) as Hex, // 63 bytes
    ];
    for (const sig of bad) expect(recoverSigner(s.digest, sig), sig).toBeUndefined();
    // the malleated twin (N − s, parity flipped) is as valid to viem as to the gateway: both recover the same signer
    const twin = `${r}${hex32(N - BigInt(sv)).slice(2)}${(28 - yParity!).toString(16)}` as Hex;
    const viemTwin = await recoverTypedDataAddress({
      domain: domainOf(DOMAIN),
      types: INFERENCE_TYPES,
      primaryType: "Inference",
      message: s.message,
      signature: twin,
    }).catch(() => undefined);
    expect(recoverSigner(s.digest, twin)).toBe(viemTwin);
    // a valid signature over another message recovers someone else: verifyAuth answers 401
    const other = await signed(2);
    const err = await verifyAuth(
      { address: s.account.address, signature: other.signature, nonce: s.message.nonce, deadline: s.message.deadline },
      DOMAIN,
      s.message.listingId,
      s.body,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).status).toBe(401);
    // and a tampered body does too
    const tampered = new Uint8Array(s.body);
    tampered[0]! ^= 1;
    await expect(
      verifyAuth(
        { address: s.account.address, signature: s.signature, nonce: s.message.nonce, deadline: s.message.deadline },
        DOMAIN,
        s.message.listingId,
        tampered,
      ),
    ).rejects.toMatchObject({ status: 401 });
  });
});
