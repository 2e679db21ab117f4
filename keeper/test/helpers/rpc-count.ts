/** A JSON-RPC transport that records every call it forwards (method and params), for tests that count RPC calls. */
import { http, type Transport } from "viem";

export interface RpcCall {
  method: string;
  params: unknown;
}

export interface CountingTransport {
  transport: Transport;
  calls: RpcCall[];
  /** calls per method since the last `reset()` */
  byMethod(): Record<string, number>;
  reset(): void;
  /** runs `hook` before each call is forwarded (e.g. to stage a race), once per matching method */
  before(method: string, hook: (call: RpcCall) => Promise<void>): void;
}

export function countingTransport(url: string): CountingTransport {
  const calls: RpcCall[] = [];
  const hooks = new Map<string, (call: RpcCall) => Promise<void>>();
  const transport: Transport = (opts) => {
    const inner = http(url, { retryCount: 0 })(opts);
    const request: typeof inner.request = async (args, options) => {
      const call = { method: args.method, params: args.params };
      calls.push(call);
      const hook = hooks.get(args.method);
      if (hook) {
        hooks.delete(args.method);
        await hook(call);
      }
      return inner.request(args, options);
    };
    return { ...inner, request };
  };
  return {
    transport,
    calls,
    byMethod() {
      const out: Record<string, number> = {};
      for (const c of calls) out[c.method] = (out[c.method] ?? 0) + 1;
      return out;
    },
    reset() {
      calls.length = 0;
    },
    before(method, hook) {
      hooks.set(method, hook);
    },
  };
}
