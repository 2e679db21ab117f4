/** The gateway's client side (`flock infer`, the tests, the benchmark): sign a prediction request and send it. */
import type { Account } from "viem";
import { type GatewayDomain, signRequest } from "./protocol.js";

export interface PredictResult {
  status: number;
  body: { outputs?: number[][]; modelCid?: string; error?: string; [k: string]: unknown };
}

/** Builds the body `{"inputs": …}`, signs it for `listingId` (deadline `ttlSeconds` ahead) and posts it. */
export async function predict(o: {
  gateway: string;
  account: Account;
  domain: GatewayDomain;
  listingId: bigint;
  inputs: number[][];
  now: number;
  ttlSeconds?: number;
  nonce?: bigint;
}): Promise<PredictResult> {
  const body = new TextEncoder().encode(JSON.stringify({ inputs: o.inputs }));
  const headers = await signRequest(o.account, o.domain, {
    listingId: o.listingId,
    body,
    nonce: o.nonce,
    deadline: BigInt(o.now + (o.ttlSeconds ?? 60)),
  });
  const res = await fetch(`${o.gateway}/v1/listings/${o.listingId}/predict`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as PredictResult["body"] };
}
