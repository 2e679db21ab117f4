/**
 * Content storage for the keeper: `openStore` gives a {@link ContentStore} — the embedded Helia node by default,
 * or a Kubo node over RPC. See ./README.md.
 */
import type { EmbeddedStore, EmbeddedStoreOptions } from "./embedded.js";
import type { KuboStore, KuboStoreOptions } from "./kubo.js";
import type { ContentStore } from "./store.js";

export type StoreOptions = ({ kind: "embedded" } & EmbeddedStoreOptions) | ({ kind: "kubo" } & KuboStoreOptions);

export function openStore(opts: { kind: "embedded" } & EmbeddedStoreOptions): Promise<EmbeddedStore>;
export function openStore(opts: { kind: "kubo" } & KuboStoreOptions): Promise<KuboStore>;
export function openStore(opts: StoreOptions): Promise<ContentStore>;
export async function openStore(opts: StoreOptions): Promise<ContentStore> {
  // imported on demand: loading helia takes seconds, and a Kubo user never needs it (nor the reverse)
  if (opts.kind === "embedded") return (await import("./embedded.js")).EmbeddedStore.open(opts);
  if (opts.kind === "kubo") return new (await import("./kubo.js")).KuboStore(opts);
  throw new RangeError(`unknown store kind ${JSON.stringify((opts as { kind: unknown }).kind)}`);
}

export { kuboCompatibleImportOptions, MAX_BLOCK_BYTES } from "./blocks.js";
export * from "./errors.js";
export { fetchBlockFromGateways, RAW_BLOCK_MEDIA_TYPE, startGatewayServer } from "./gateway.js";
export type { ContentStore, GetDirectoryOptions } from "./store.js";
export { DEFAULT_MAX_FILES } from "./store.js";
export type { EmbeddedStore, EmbeddedStoreOptions, KuboStore, KuboStoreOptions };
