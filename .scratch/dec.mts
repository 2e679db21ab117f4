import { decodeErrorResult } from "viem";
import * as A from "../generated/abis.ts";
for (const [n, abi] of Object.entries(A)) { try { console.log(n, decodeErrorResult({ abi: abi as any, data: "0x5a84ba3d5882fc602b877fafd3f2f8f94458f70fcb04cfa473b035073b2c6920" })); } catch {} }
