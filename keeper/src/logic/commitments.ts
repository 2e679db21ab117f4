/**
 * Commitment hashes, byte-for-byte as `ArenaTasks` computes them (abi.encode, then keccak256). Pure.
 */

import { randomBytes } from "node:crypto";
import { type Address, encodeAbiParameters, type Hex, keccak256, toHex } from "viem";

export function newSalt(): Hex {
  return toHex(randomBytes(32));
}

/** keccak256(abi.encode(chainId, arena, taskId, trainer, modelCid, salt)) */
export function submissionCommitment(
  chainId: number,
  arena: Address,
  taskId: bigint,
  trainer: Address,
  modelCid: string,
  salt: Hex,
): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "uint256" },
        { type: "address" },
        { type: "uint256" },
        { type: "address" },
        { type: "string" },
        { type: "bytes32" },
      ],
      [BigInt(chainId), arena, taskId, trainer, modelCid, salt],
    ),
  );
}

/** keccak256(abi.encode(chainId, arena, taskId, validator, scores, salt)) with scores a uint16[] */
export function scoresCommitment(
  chainId: number,
  arena: Address,
  taskId: bigint,
  validator: Address,
  scores: readonly number[],
  salt: Hex,
): Hex {
  for (const [i, s] of scores.entries()) {
    if (!Number.isInteger(s) || s < 0 || s > 10_000)
      throw new RangeError(`score ${i} is ${s}: scores are integers in [0, 10000]`);
  }
  return keccak256(
    encodeAbiParameters(
      [
        { type: "uint256" },
        { type: "address" },
        { type: "uint256" },
        { type: "address" },
        { type: "uint16[]" },
        { type: "bytes32" },
      ],
      [BigInt(chainId), arena, taskId, validator, scores, salt],
    ),
  );
}

/** keccak256(abi.encode(chainId, arena, creator, evalCid, salt)) */
export function evalCommitment(chainId: number, arena: Address, creator: Address, evalCid: string, salt: Hex): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "uint256" }, { type: "address" }, { type: "address" }, { type: "string" }, { type: "bytes32" }],
      [BigInt(chainId), arena, creator, evalCid, salt],
    ),
  );
}
